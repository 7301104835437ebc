"""With the action server gone, users get an honest message, the operator a log line, and the
runner brings the action server back."""

from __future__ import annotations

import os
import signal
import time

import pytest

from rasa_addons.channels.guard import UNAVAILABLE, reply
from tests.integration.conftest import Assistant

pytestmark = pytest.mark.integration


def test_dead_action_server_gets_an_honest_reply_then_recovers(assistant: Assistant) -> None:
    assert "来源：" in assistant.reply_text("it-down", "什么是移情服务")
    pids = assistant.session_processes("-m actions")
    assert pids, "action server process not found"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)

    replies = assistant.ask("it-down", "期望确认理论讲什么")
    assert [r.get("text") for r in replies] == [reply(UNAVAILABLE)]
    assert "您好" in assistant.reply_text("it-down", "你好")  # small talk needs no action server
    assert "is the action server running?" in assistant.log.read_text(encoding="utf-8", errors="replace")

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = assistant.reply_text("it-down", "期望确认理论讲什么")
        if "来源：" in text:
            break
        time.sleep(2)
    assert "来源：《期望确认理论》" in text
