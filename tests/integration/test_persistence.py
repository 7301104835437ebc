"""Default configuration (`make run`, no database server): conversations are kept in SQLite under
var/, so a restart does not forget what a follow-up refers to."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integration.conftest import start_assistant, stop

pytestmark = pytest.mark.integration

#: A citation of 移情服务 itself or of one of its cases (高端酒店的移情服务实践, …).
CITES_EMPATHY = re.compile(r"来源：《[^》]*移情服务[^》]*》")


def starts_logged() -> int:
    log = ROOT / "var" / "log" / "rasa.log"
    return (
        log.read_text(encoding="utf-8", errors="replace").count("Rasa server is up and running") if log.exists() else 0
    )


def test_conversation_continues_after_the_stack_restarts(tmp_path: Path) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"  # var/rasa/tracker.db outlives test runs
    logged = starts_logged()
    first = start_assistant(tmp_path / "run-1.log")
    try:
        assert "来源：《移情服务》" in first.reply_text(sender, "什么是移情服务")
    finally:
        stop(first.process)

    second = start_assistant(tmp_path / "run-2.log")
    try:
        follow_up = second.reply_text(sender, "举个例子")
        assert CITES_EMPATHY.search(follow_up), follow_up
        # The same words from someone without that conversation do not get the 移情服务 case.
        assert not CITES_EMPATHY.search(second.reply_text(f"{sender}-new", "举个例子"))
    finally:
        stop(second.process)
    assert starts_logged() >= logged + 2  # the log of the first start survived the second (appended)
