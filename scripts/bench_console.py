"""Times the trainer console against a running stack: hit tests (one turn, a three-turn
conversation) and trying a draft (an index built with one edited entry). Read-only: nothing is
saved. Prints p50/p95 per operation.

    CONSOLE_USER=zhangsan CONSOLE_PASSWORD=… .venv/bin/python scripts/bench_console.py [--url URL] [--runs 10]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import requests

from bot.knowledge.document import EntryDocument
from bot.serving import Ports

ENTRY = "empathy-service"


def login(url: str, name: str, password: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{url}/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "no log-in form: is the console running?"
    session.post(f"{url}/login", data={"name": name, "password": password, "csrf_token": token.group(1)}, timeout=30)
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', session.get(f"{url}/entries", timeout=30).text)
    if not found:
        raise SystemExit("log-in failed: check CONSOLE_USER and CONSOLE_PASSWORD")
    return session, found.group(1)


def editor_form(session: requests.Session, url: str, csrf: str) -> dict:
    """The editor's form of ENTRY with one example question more, as the page would post it."""
    text = session.get(f"{url}/entries/{ENTRY}/edit?mode=source", timeout=30).text
    source = re.search(r'<textarea id="f-source"[^>]*>(.*?)</textarea>', text, re.S)
    assert source, "no source editor"
    doc = EntryDocument.parse(html.unescape(source.group(1)))
    doc.sections[0].questions.append("基准测试里的新例句")
    return {"csrf_token": csrf, "mode": "source", "source": doc.render().text, "question": "基准测试里的新例句"}


def timed(runs: int, call: Callable[[], requests.Response]) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        response = call()
        seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text[:300]
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default = f"http://localhost:{Ports.load(Path(os.environ.get('KB_ENDPOINTS', 'endpoints.yml'))).console}"
    parser.add_argument("--url", default=default)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    session, csrf = login(args.url, os.environ["CONSOLE_USER"], os.environ["CONSOLE_PASSWORD"])
    headers = {"X-CSRF-Token": csrf}
    form = editor_form(session, args.url, csrf)
    cases = {
        "hit test, 1 turn": lambda: session.post(
            f"{args.url}/api/test", json={"messages": ["客户情绪管理有哪些策略"]}, headers=headers, timeout=120
        ),
        "hit test, 3 turns": lambda: session.post(
            f"{args.url}/api/test",
            json={"messages": ["客户情绪管理有哪些策略", "举个例子", "那酒店呢"]},
            headers=headers,
            timeout=120,
        ),
        "try a draft (index with the edit)": lambda: session.post(
            f"{args.url}/entries/{ENTRY}/try", data=form, headers={"HX-Request": "true"}, timeout=120
        ),
        "live check of the draft (lint)": lambda: session.post(
            f"{args.url}/entries/{ENTRY}/check", data=form, headers={"HX-Request": "true"}, timeout=120
        ),
    }
    print(f"{args.url}, {args.runs} runs each (after one warm-up)")
    for name, call in cases.items():
        call()
        seconds = sorted(timed(args.runs, call))
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        print(f"{name:36s} p50 {statistics.median(seconds) * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
