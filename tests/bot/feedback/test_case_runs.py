"""Test runs' pass rates kept for the dashboard: recorded, marked published, read in order, expired with the rest."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.feedback.case_runs import CaseRun, load_runs, mark_published, record_run
from bot.feedback.store import FeedbackStore
from tests.conftest import Clock


def test_runs_are_recorded_and_read_in_order(tmp_path: Path) -> None:
    clock = Clock(tick=timedelta(minutes=1))
    store = FeedbackStore(tmp_path / "feedback.db", clock=clock)
    record_run(store, CaseRun("kb test", total=66, passed=66))
    check = record_run(store, CaseRun("check", total=67, passed=65, by="张三", published=False))
    record_run(store, CaseRun("console", total=67, passed=67, by="李四"))
    assert check is not None
    mark_published(store, check)
    runs = load_runs(store)
    assert [(r.kind, r.passed, r.total, r.by, r.published) for r in runs] == [
        ("kb test", 66, 66, "", None),
        ("check", 65, 67, "张三", True),
        ("console", 67, 67, "李四", None),
    ]
    assert runs[1].live and runs[1].rate == pytest.approx(65 / 67)
    assert [r.created for r in runs] == sorted(r.created for r in runs if r.created)
    assert load_runs(store, since=runs[2].created) == runs[2:]


def test_an_abandoned_check_is_not_the_live_pass_rate() -> None:
    assert not CaseRun("check", total=10, passed=9, published=False).live
    assert CaseRun("kb test", total=10, passed=9).live
    with pytest.raises(ValueError):
        CaseRun("nightly", total=1, passed=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CaseRun("kb test", total=1, passed=2)


def test_runs_expire_with_the_retention_period(tmp_path: Path) -> None:
    clock = Clock()
    store = FeedbackStore(tmp_path / "feedback.db", retention_days=30, clock=clock)
    record_run(store, CaseRun("kb test", total=1, passed=1))
    clock.now += timedelta(days=31)
    assert store.purge_expired() == 1 and load_runs(store) == []


def test_a_database_outage_costs_the_record_only(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = FeedbackStore("postgresql+psycopg2://nobody:x@127.0.0.1:1/none")
    assert record_run(store, CaseRun("kb test", total=3, passed=2)) is None
    assert "case run not recorded" in caplog.text and '"passed": 2' in caplog.text
