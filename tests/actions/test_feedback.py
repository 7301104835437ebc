"""action_record_feedback with trackers built from a fixture conversation."""

import json
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import feedback
from actions.feedback import ActionRecordFeedback, last_bot_text
from bot.feedback.store import FeedbackStore

FIXTURES = Path(__file__).parent / "fixtures"


def rated_tracker(intent: str) -> Tracker:
    data = json.loads((FIXTURES / "rated_answer.json").read_text(encoding="utf-8"))
    data["latest_message"]["intent"]["name"] = intent
    data["events"][-1]["parse_data"]["intent"]["name"] = intent
    return Tracker.from_dict(data)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FeedbackStore:
    store = FeedbackStore(tmp_path / "feedback.db")
    monkeypatch.setattr(feedback, "feedback_store", lambda: store)
    return store


def test_last_bot_text_is_the_answer_being_rated() -> None:
    assert last_bot_text(rated_tracker("feedback_negative")).endswith("来源：《移情服务》· 定义")


def test_negative_feedback_is_stored_with_question_answer_and_source(store: FeedbackStore) -> None:
    dispatcher = CollectingDispatcher()
    ActionRecordFeedback().run(dispatcher, rated_tracker("feedback_negative"), domain={})
    assert dispatcher.messages == []  # the rule utters the thanks
    [rated] = store.worst_rated()
    assert (rated.source, rated.negative, rated.questions) == ("《移情服务》· 定义", 1, ["什么是移情服务"])


def test_positive_feedback_is_stored_but_is_no_worst_answer(store: FeedbackStore) -> None:
    ActionRecordFeedback().run(CollectingDispatcher(), rated_tracker("feedback_positive"), domain={})
    assert store.worst_rated() == []
    with sqlite3.connect(store.location) as db:
        assert db.execute("SELECT kind, question FROM feedback").fetchall() == [("positive", "什么是移情服务")]
