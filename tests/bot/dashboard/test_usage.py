from datetime import UTC, date, timedelta
from pathlib import Path

import pytest

from bot.dashboard.usage import DayCount, usage_report
from bot.feedback.store import FeedbackStore, TurnRecord
from bot.knowledge.entries import Passage
from tests.conftest import Clock


def passage(entry: str, title: str, section: str) -> Passage:
    return Passage(entry, title, "concept", section, section, "……", (), (), (), f"concepts/{entry}.md", 1)


PASSAGES = [
    passage("empathy", "移情服务", "定义"),
    passage("empathy", "移情服务", "实施策略"),
    passage("empathy", "移情服务", "案例"),
    passage("kano", "KANO模型", "定义"),
    passage("servqual", "SERVQUAL", "定义"),
]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> FeedbackStore:
    store = FeedbackStore(tmp_path / "feedback.db", clock=clock)

    def turn(status: str, *passages: str, sender: str = "u1") -> None:
        store.record_turn(TurnRecord(sender=sender, question="q", status=status, passages=passages))  # type: ignore[arg-type]

    turn("answer", "empathy#定义")
    turn("not_found")
    store.record("negative", sender="u1", question="q", answer="a", sources=["《移情服务》· 定义"])
    clock.now += timedelta(days=2)  # March 3rd: nothing on the 2nd
    turn("answer", "empathy#实施策略", "kano#定义", sender="u2")
    store.record("positive", sender="u2", question="q", answer="a", sources=["《移情服务》· 实施策略"])
    turn("clarify")
    return store


def test_questions_per_day_split_by_outcome_with_empty_days(store: FeedbackStore) -> None:
    report = usage_report(store, PASSAGES, today=date(2026, 3, 3), zone=UTC)
    assert report.days == [
        DayCount(date(2026, 3, 1), answered=1, not_found=1),
        DayCount(date(2026, 3, 2)),
        DayCount(date(2026, 3, 3), answered=1, clarified=1),
    ]
    assert report.totals == {"answer": 2, "not_found": 1, "clarify": 1}


def test_ratings_per_entry_through_the_rated_turn(store: FeedbackStore) -> None:
    report = usage_report(store, PASSAGES, today=date(2026, 3, 3), zone=UTC)
    assert [(r.entry_id, r.title, r.positive, r.negative) for r in report.ratings] == [("empathy", "移情服务", 1, 1)]


def test_entries_and_sections_never_used_to_answer(store: FeedbackStore) -> None:
    report = usage_report(store, PASSAGES, today=date(2026, 3, 3), zone=UTC)
    assert [(u.entry_id, u.sections, u.of) for u in report.unused_entries] == [("servqual", ["定义"], 1)]
    assert [(u.entry_id, u.sections, u.of) for u in report.unused_sections] == [("empathy", ["案例"], 3)]


def test_the_period_and_the_time_zone(store: FeedbackStore) -> None:
    last_day = usage_report(store, PASSAGES, days=1, today=date(2026, 3, 3), zone=UTC)
    assert [d.day for d in last_day.days] == [date(2026, 3, 3)] and last_day.totals["not_found"] == 0
    assert [(u.entry_id, u.sections) for u in last_day.unused_sections] == [("empathy", ["定义", "案例"])]
    assert last_day.ratings[0].positive == 1 and last_day.ratings[0].negative == 0
    from zoneinfo import ZoneInfo

    los_angeles = usage_report(store, PASSAGES, today=date(2026, 3, 3), zone=ZoneInfo("America/Los_Angeles"))
    assert los_angeles.days[0].day == date(2026, 3, 1)  # 09:00 UTC is 01:00 in Los Angeles


def test_a_rating_stored_before_the_turn_log_counts_by_its_citation(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.db")
    store.record("negative", sender="nobody", question="q", answer="a", sources=["《KANO模型》· 定义"])
    report = usage_report(store, PASSAGES)
    assert [(r.entry_id, r.negative) for r in report.ratings] == [("kano", 1)]
