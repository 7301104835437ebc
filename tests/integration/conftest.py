"""Starts the real assistant with the project's own script (scripts/run.sh) for a test module."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.serving import Ports
from tests.conftest import ROOT

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


def start(command: list[str], log: Path, ready: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a project script in its own session and wait until every URL in `ready` answers."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **TEST_ENV, **(env or {})},
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


def start_assistant(log: Path, env: dict[str, str] | None = None) -> Assistant:
    if _up(PORTS.rasa_url) or _up(ACTION_HEALTH):
        pytest.fail(
            f"ports {PORTS.rasa}/{PORTS.action} are busy: stop the running assistant before the integration tests"
        )
    return Assistant(start(["scripts/run.sh"], log, [PORTS.rasa_url, ACTION_HEALTH], env), log)


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
