"""action_record_feedback with trackers built from a fixture conversation."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.store
from actions.feedback import ActionRecordFeedback, last_bot_text
from actions.knowledge import ActionAnswerKnowledge
from bot.feedback.limits import FeedbackGate
from bot.feedback.store import FeedbackStore

FIXTURES = Path(__file__).parent / "fixtures"


def rated_tracker(intent: str, sender: str | None = None, text: str | None = None, **slots: object) -> Tracker:
    data = json.loads((FIXTURES / "rated_answer.json").read_text(encoding="utf-8"))
    if text is not None:  # a rating in words instead of the 👎 button's payload
        data["latest_message"]["text"] = data["events"][-1]["text"] = text
    data["sender_id"] = sender or data["sender_id"]
    data["latest_message"]["intent"]["name"] = intent
    data["events"][-1]["parse_data"]["intent"]["name"] = intent
    data["slots"].update(slots)
    return Tracker.from_dict(data)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FeedbackStore:
    store = FeedbackStore(tmp_path / "feedback.db")
    monkeypatch.setattr(actions.store, "feedback_store", lambda: store)
    gate = FeedbackGate(per_hour=5)
    monkeypatch.setattr(actions.store, "feedback_gate", lambda: gate)
    return store


def record(dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict]:
    return asyncio.run(ActionRecordFeedback().run(dispatcher, tracker, domain))


def events(store: FeedbackStore) -> list[tuple[str, str, str, list[str]]]:
    store.unanswered()  # the store creates its table on first use
    with sqlite3.connect(store.location) as db:
        rows = db.execute("SELECT kind, question, answer, sources FROM feedback ORDER BY id").fetchall()
    return [(kind, question, answer, json.loads(sources)) for kind, question, answer, sources in rows]


def test_last_bot_text_is_the_answer_being_rated_not_the_note_before_it() -> None:
    text = last_bot_text(rated_tracker("feedback_negative"))
    assert text is not None and text.endswith("来源：《移情服务》· 定义")


def test_no_bot_text_before_the_rating() -> None:
    data = json.loads((FIXTURES / "rated_answer.json").read_text(encoding="utf-8"))
    data["events"] = [e for e in data["events"] if e["event"] != "bot"]
    assert last_bot_text(Tracker.from_dict(data)) is None


def test_negative_feedback_is_stored_with_question_answer_and_sources(store: FeedbackStore) -> None:
    dispatcher = CollectingDispatcher()
    record(dispatcher, rated_tracker("feedback_negative"), domain={})
    assert dispatcher.messages == []  # the rule utters the thanks
    [rated] = store.worst_rated()
    assert (rated.source, rated.negative, rated.questions) == ("《移情服务》· 定义", 1, ["什么是移情服务"])


def test_the_sources_come_from_the_last_sources_slot(store: FeedbackStore) -> None:
    sources = ["《移情服务》· 定义", "《客户情绪管理》· 定义"]  # a comparison cites two
    record(CollectingDispatcher(), rated_tracker("feedback_negative", last_sources=sources), {})
    record(CollectingDispatcher(), rated_tracker("feedback_negative", "rest:another", last_sources=None), {})
    assert [e[3] for e in events(store)] == [sources, []]


def test_a_sender_rates_an_answer_once_however_often_it_clicks(store: FeedbackStore) -> None:
    for intent in ["feedback_negative"] * 200 + ["feedback_positive"]:  # the review's 200 👎 in 18 s
        record(CollectingDispatcher(), rated_tracker(intent), domain={})
    assert [e[0] for e in events(store)] == ["negative"]
    [rated] = store.worst_rated()
    assert (rated.negative, rated.positive) == (1, 0)


def test_positive_feedback_is_stored_but_is_no_worst_answer(store: FeedbackStore) -> None:
    record(CollectingDispatcher(), rated_tracker("feedback_positive"), domain={})
    assert store.worst_rated() == []
    [(kind, question, answer, sources)] = events(store)
    assert (kind, question, sources) == ("positive", "什么是移情服务", ["《移情服务》· 定义"])
    assert answer.endswith("来源：《移情服务》· 定义")


def test_another_intent_records_nothing(store: FeedbackStore) -> None:
    record(CollectingDispatcher(), rated_tracker("greet"), domain={})
    assert events(store) == []


def test_a_rating_before_any_answer_is_answered_as_a_question(store: FeedbackStore, monkeypatch) -> None:
    """ "期望不一致理论" read as 👎 at the start of a conversation: nothing to rate, so the knowledge
    action answers it and the turn ends (no thanks for a rating, nothing recorded)."""
    answered = []

    async def answer(self, dispatcher, tracker, domain):  # the knowledge action, without its index
        answered.append(tracker.latest_message["text"])
        dispatcher.utter_message(response="utter_not_found")
        return [{"event": "slot", "name": "last_question", "value": tracker.latest_message["text"]}]

    monkeypatch.setattr(ActionAnswerKnowledge, "run", answer)
    dispatcher = CollectingDispatcher()
    fresh = rated_tracker("feedback_negative", text="期望不一致理论", last_question=None)
    result = record(dispatcher, fresh, {})
    assert answered == ["期望不一致理论"] and dispatcher.messages[0]["response"] == "utter_not_found"
    assert (result[-1]["event"], result[-1]["name"]) == ("followup", "action_listen")
    assert events(store) == []
    # the 👎 button's payload is a rating whatever came before: thanked by the rule, nothing to record
    button = CollectingDispatcher()
    assert record(button, rated_tracker("feedback_negative", last_question=None), {}) == []
    assert answered == ["期望不一致理论"] and button.messages == []
