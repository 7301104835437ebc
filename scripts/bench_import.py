"""Benchmark of `kb import` (not a test): prints figures, asserts nothing.

For each seed article (../shared/seeds) and each small test document (.docx, .pdf, .html, made by
tests/bot/importing/documents.py): the time to read it into a draft, and to lint the draft
against the knowledge base, in this process (no Python start-up; the CLI adds about a second).

Usage: .venv/bin/python scripts/bench_import.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.importing.drafts import import_file, lint_draft
from bot.settings import Settings
from tests.bot.importing.documents import make_docx, make_html, make_pdf

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


def timed(repeat: int, action) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.load(ROOT / "endpoints.yml")
    limit = int(settings.import_max_mb * 1024 * 1024)
    with tempfile.TemporaryDirectory() as folder:
        made = [
            make(Path(folder) / f"sample.{make.__name__.removeprefix('make_')}")
            for make in (make_docx, make_pdf, make_html)
        ]
        files = sorted(SEEDS.glob("*.txt")) + made
        print(f"median of {args.repeat} runs, ms: import (read + sections) | lint against knowledge/ | sections")
        for path in files:
            read_ms, draft = timed(args.repeat, lambda p=path: import_file(p, settings.knowledge_dir, limit))
            lint_ms, _ = timed(args.repeat, lambda d=draft: lint_draft(d, settings.knowledge_dir, settings.domain))
            print(
                f"  {path.name:28s} {path.stat().st_size / 1024:6.1f} KB   import {read_ms:7.1f}   lint {lint_ms:7.1f}   "
                f"sections {len(draft.sections)}"
            )  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
