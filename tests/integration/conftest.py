"""Starts the real assistant with the project's own script (scripts/run.sh) for a test module; the browser
of the browser tests (Debian's Chromium driven by Selenium)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from bot.serving import Ports
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"  # Debian's chromium-driver, same version (scripts/install-browser.sh)
SCREENSHOTS = ROOT / "var" / "screenshots"
PORTS = Ports.load(ROOT / "endpoints.yml")  # RASA_PORT / ACTION_PORT as scripts/run.sh sees them
WEBHOOK = PORTS.webhook
ACTION_HEALTH = PORTS.action_health
START_TIMEOUT = 600  # a first start may train the Rasa model


@dataclass
class Assistant:
    process: subprocess.Popen
    log: Path
    webhook: str = WEBHOOK  # another server of a cluster, or its nginx

    def ask(self, sender: str, message: str) -> list[dict]:
        response = requests.post(self.webhook, json={"sender": sender, "message": message}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def reply_text(self, sender: str, message: str) -> str:
        """All the bot's messages of a turn, with button titles, as the dialogue checks read them."""
        parts = []
        for reply in self.ask(sender, message):
            parts.append(reply.get("text", ""))
            parts.extend(button["title"] for button in reply.get("buttons", []))
        return "\n".join(parts)

    def session_processes(self, name: str) -> list[int]:
        """PIDs of processes started by this run whose command line contains `name`."""
        sid = os.getsid(self.process.pid)
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                if name in cmdline and os.getsid(int(entry.name)) == sid:
                    found.append(int(entry.name))
            except (OSError, ProcessLookupError):
                continue
        return found


def _up(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


#: All integration tests come from 127.0.0.1 and send fast on purpose: the rate limits would turn
#: most of their messages away. Tests of the limits (test_attacks.py) switch them back on.
TEST_ENV = {"RASA_RATE_LIMITS": "off"}
#: A developer's own API token (exported for `kb search --explain`) is not the suite's: run.sh
#: writes a fresh one to var/run for the suite's stack, and the tests read it there.
NOT_INHERITED = frozenset({"RASA_AUTH_TOKEN"})


def start(command: list[str], log: Path, ready: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a project script in its own session and wait until every URL in `ready` answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**{k: v for k, v in os.environ.items() if k not in NOT_INHERITED}, **TEST_ENV, **(env or {})},
        )
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while not all(_up(url) for url in ready):
            if process.poll() is not None:
                pytest.fail(f"{command[0]} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{command[0]} not up after {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")
            time.sleep(1)
    except BaseException:
        stop(process)
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    """The script's own Ctrl-C handling stops its servers; SIGKILL only if it hangs."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def stack_copy(work: Path) -> dict[str, str]:
    """Environment for scripts/run.sh that runs the whole stack on a copy of knowledge/ in `work`.

    The copy's endpoints.yml points the knowledge base, the index, the state folder (feedback
    store, conversations, import drafts: KB_STATE_DIR), the console's accounts and sessions, and
    the run and log folders into `work`; the console makes the copy a git repository of its own on
    the first save. So a test may edit, save and revert, and read what the stack logged, without
    touching the project's knowledge/, its repository, build/index or var/, nor the suite's stores.
    """
    shutil.copytree(ROOT / "knowledge", work / "knowledge")
    data = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    data["knowledge_base"].update(
        knowledge_dir="knowledge",
        index_dir="build/index",
        nlu_dir="build/nlu",
        encoder=str(ROOT / "models" / "multilingual-e5-small"),
        domain=str(ROOT / "domain.yml"),
        rules_dir=str(ROOT / "data" / "rules"),
        state_dir="var",
    )
    (work / "endpoints.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cache = ROOT / "build" / "index" / "cache"
    if cache.is_dir():  # the live embeddings: the copy's first build embeds nothing new
        shutil.copytree(cache, work / "build" / "index" / "cache")
    return {
        "KB_ENDPOINTS": str(work / "endpoints.yml"),
        "KB_STATE_DIR": str(work / "var"),
        "RUN_DIR": str(work / "run"),
        "LOG_DIR": str(work / "log"),
    }


def start_assistant(log: Path, env: dict[str, str] | None = None) -> Assistant:
    """scripts/run.sh; without the trainer console unless `env` asks for it (CONSOLE=on), which
    spares every other test's stack loading a second copy of the encoder."""
    if (
        _up(PORTS.rasa_url)
        or _up(ACTION_HEALTH)
        or (env or {}).get("CONSOLE") == "on"
        and _up(PORTS.console_url + "login")
    ):
        pytest.fail(
            f"ports {PORTS.rasa}/{PORTS.action}/{PORTS.console} are busy: stop the running assistant before the integration tests"
        )
    return Assistant(
        start(["scripts/run.sh"], log, [PORTS.rasa_url, ACTION_HEALTH], {"CONSOLE": "off", **(env or {})}), log
    )


@pytest.fixture(scope="module")
def assistant_env() -> dict[str, str]:
    """Extra environment for scripts/run.sh; a test module overrides this fixture (e.g. to switch a channel on)."""
    return {}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, assistant_env: dict[str, str]) -> Iterator[Assistant]:
    started = start_assistant(tmp_path_factory.mktemp("run") / "run.log", assistant_env)
    try:
        yield started
    finally:
        stop(started.process)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,1000",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def viewport(driver: WebDriver, size: tuple[int, int]) -> None:
    """An exact viewport (the window's own size includes browser chrome); phone-sized is mobile."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
