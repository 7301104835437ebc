"""action_answer_knowledge with trackers built from tests/actions/fixtures/*.json (Rasa tracker dumps)."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.store
from actions import knowledge
from actions.knowledge import (
    FEEDBACK_BUTTONS,
    SLOTS,
    ActionAnswerKnowledge,
    context_from_tracker,
    feedback_buttons,
    send,
    turn_from_tracker,
    turn_record,
)
from bot.conversation.compose import Message, Reply
from bot.conversation.planning import Context, Turn
from bot.conversation.trace import Trace
from bot.feedback.limits import FeedbackGate
from bot.feedback.records import load_turns
from bot.feedback.store import FeedbackStore, TurnRecord
from bot.knowledge.entries import Passage
from tests.conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
RATING = [
    {"title": "👍 有帮助", "payload": "/feedback_positive"},
    {"title": "👎 没帮助", "payload": "/feedback_negative"},
]
DOMAIN: dict[str, Any] = {"responses": {FEEDBACK_BUTTONS: [{"text": "这个回答有帮助吗？", "buttons": RATING}]}}


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def live_domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


# --- the turn and the context of a tracker ------------------------------------------------------


def test_turn_from_a_fresh_question() -> None:
    assert turn_from_tracker(tracker("fresh_question")) == Turn(
        intent="ask_definition", text="什么是移情服务", topics=["empathy-service"], industries=[]
    )


def test_turn_keeps_distinct_entities_of_our_types_in_order() -> None:
    assert turn_from_tracker(tracker("industry_follow_up")) == Turn(
        intent="inform", text="那酒店和宾馆呢", topics=[], industries=["酒店"]
    )  # no Duckling time
    assert turn_from_tracker(tracker("comparison")).topics == ["empathy-service", "customer-emotion-management"]


def test_turn_keeps_the_intent_the_guard_overruled() -> None:
    data = json.loads((FIXTURES / "fresh_question.json").read_text(encoding="utf-8"))
    assert turn_from_tracker(Tracker.from_dict(data)).overruled == ""
    data["latest_message"]["overruled_intent"] = {"name": "out_of_scope", "confidence": 0.98}
    assert turn_from_tracker(Tracker.from_dict(data)).overruled == "out_of_scope"


def test_turn_from_an_empty_message() -> None:
    assert turn_from_tracker(tracker("empty")) == Turn(intent="", text="")


def test_turn_with_null_fields() -> None:
    state = json.loads((FIXTURES / "fresh_question.json").read_text(encoding="utf-8"))
    state["latest_message"].update(intent=None, entities=None, text=None)
    assert turn_from_tracker(Tracker.from_dict(state)) == Turn(intent="", text="")


def test_context_from_unset_slots() -> None:
    assert context_from_tracker(tracker("fresh_question")) == Context()
    assert context_from_tracker(tracker("empty")) == Context()


def test_context_from_set_slots() -> None:
    assert context_from_tracker(tracker("industry_follow_up")) == Context(
        topic="emotional-service-experience",
        industry="银行",
        last_kind="应用",
        last_items=["情绪识别", "情感共鸣"],
        last_passages=["emotional-service-experience#应用 · 银行"],
        last_question="情感服务体验在银行怎么用",
        mentioned=["huawei-cloud-service"],
        last_sources=["《情感服务体验》· 应用 · 银行"],
    )


def test_context_from_partly_set_slots() -> None:
    assert context_from_tracker(tracker("comparison")) == Context(topic="servqual", last_kind="定义")


# --- sending a reply by response name ---------------------------------------------------------

ANSWER = Reply(
    "answer",
    [
        Message("utter_industry_gap", {"industry": "医疗"}),
        Message(
            "utter_answer",
            {"body": "客户情绪管理……", "sources": "《客户情绪管理》· 应用 · 银行"},
            [("客户情绪管理有哪些策略", "客户情绪管理有哪些策略")],
        ),
    ],
)


def test_send_utters_each_message_by_name_with_its_params() -> None:
    dispatcher = CollectingDispatcher()
    send(ANSWER, dispatcher, DOMAIN)
    assert [(m["response"], m["text"]) for m in dispatcher.messages] == [
        ("utter_industry_gap", None),
        ("utter_answer", None),
    ]
    note, answer = dispatcher.messages
    assert (note["industry"], note["buttons"]) == ("医疗", [])
    assert (answer["body"], answer["sources"]) == ("客户情绪管理……", "《客户情绪管理》· 应用 · 银行")


def test_the_last_message_of_an_answer_ends_with_the_rating_buttons() -> None:
    dispatcher = CollectingDispatcher()
    send(ANSWER, dispatcher, DOMAIN)
    assert dispatcher.messages[-1]["buttons"] == [
        {"title": "客户情绪管理有哪些策略", "payload": "客户情绪管理有哪些策略"},
        *RATING,
    ]


@pytest.mark.parametrize("status", ["not_found", "clarify", "unavailable"])
def test_only_answers_can_be_rated(status: str) -> None:
    dispatcher = CollectingDispatcher()
    send(
        Reply(status, [Message("utter_clarify", {"about": "情绪", "options": "1. 甲"}, [("甲", "甲")])]),
        dispatcher,
        DOMAIN,
    )
    assert dispatcher.messages[0]["buttons"] == [{"title": "甲", "payload": "甲"}]


def test_feedback_buttons_from_the_domain() -> None:
    assert feedback_buttons(DOMAIN) == RATING
    assert feedback_buttons({}) == [] and feedback_buttons({"responses": {FEEDBACK_BUTTONS: [{"text": "x"}]}}) == []
    assert feedback_buttons(live_domain()) == RATING  # the pseudo-response of domain.yml


# --- the action ---------------------------------------------------------------------------------


class FakeAssistant:
    def __init__(self, reply: Reply, ctx: Context) -> None:
        self.reply, self.ctx = reply, ctx
        self.calls: list[tuple[Turn, Context]] = []

    def respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
        self.calls.append((turn, ctx))
        return self.reply, self.ctx


NEW_CONTEXT = Context(
    topic="emotional-service-experience",
    industry="酒店",
    last_kind="应用",
    last_items=["个性化接待", "入住欢迎礼"],
    last_passages=["emotional-service-experience#应用 · 酒店"],
    last_question="那酒店和宾馆呢",
    mentioned=["hotel-welcome-gift"],
    last_sources=["《情感服务体验》· 应用 · 酒店"],
)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FeedbackStore:
    store = FeedbackStore(tmp_path / "feedback.db")
    monkeypatch.setattr(actions.store, "feedback_store", lambda: store)
    gate = FeedbackGate()
    monkeypatch.setattr(actions.store, "feedback_gate", lambda: gate)
    return store


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, store: FeedbackStore) -> FakeAssistant:
    assistant = FakeAssistant(ANSWER, NEW_CONTEXT)
    monkeypatch.setattr(knowledge, "assistant", lambda: assistant)
    return assistant


def run_action(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The action as the action server runs it: awaited on an event loop."""
    return asyncio.run(ActionAnswerKnowledge().run(dispatcher, tracker, domain=DOMAIN))


def test_answers_run_off_the_event_loop_and_concurrently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two questions meet in the thread pool; on the event loop the first would wait for ever."""
    both_answering = threading.Barrier(2, timeout=5)

    class MeetingAssistant(FakeAssistant):
        def respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
            both_answering.wait()
            assert threading.current_thread() is not threading.main_thread()
            return super().respond(turn, ctx)

    meeting = MeetingAssistant(
        Reply("answer", [Message("utter_answer", {"body": "……", "sources": "《移情服务》· 定义"})]), Context()
    )
    monkeypatch.setattr(knowledge, "assistant", lambda: meeting)

    async def two_conversations() -> None:
        action = ActionAnswerKnowledge()
        await asyncio.gather(
            *(action.run(CollectingDispatcher(), tracker("industry_follow_up"), domain=DOMAIN) for _ in range(2))
        )

    asyncio.run(two_conversations())
    assert len(meeting.calls) == 2


def test_run_passes_the_turn_and_context_of_the_tracker(fake: FakeAssistant) -> None:
    run_action(CollectingDispatcher(), tracker("industry_follow_up"))
    assert fake.calls == [
        (
            Turn(intent="inform", text="那酒店和宾馆呢", industries=["酒店"]),
            context_from_tracker(tracker("industry_follow_up")),
        )
    ]


def test_run_sends_the_reply_and_sets_every_slot(fake: FakeAssistant, store: FeedbackStore) -> None:
    dispatcher = CollectingDispatcher()
    events = run_action(dispatcher, tracker("industry_follow_up"))
    assert [m["response"] for m in dispatcher.messages] == ["utter_industry_gap", "utter_answer"]
    assert events == [SlotSet(name, getattr(NEW_CONTEXT, name)) for name in SLOTS]
    assert {e["name"] for e in events} >= {"mentioned", "last_sources"}
    assert store.unanswered() == []  # an answer is no unanswered question
    [logged] = load_turns(store)
    assert (logged.sender, logged.question, logged.status) == ("staff-7", "那酒店和宾馆呢", "answer")


def test_run_clears_slots_the_new_context_leaves_empty(monkeypatch: pytest.MonkeyPatch, store: FeedbackStore) -> None:
    monkeypatch.setattr(
        knowledge,
        "assistant",
        lambda: FakeAssistant(Reply("unavailable", [Message("utter_index_unavailable")]), Context()),
    )
    dispatcher = CollectingDispatcher()
    events = run_action(dispatcher, tracker("industry_follow_up"))
    assert [(m["response"], m["buttons"]) for m in dispatcher.messages] == [("utter_index_unavailable", [])]
    lists = {"last_items", "last_passages", "mentioned", "last_sources"}
    assert events == [SlotSet(name, [] if name in lists else None) for name in SLOTS]


def test_an_unanswered_question_is_recorded_for_trainers(monkeypatch: pytest.MonkeyPatch, store: FeedbackStore) -> None:
    reply = Reply("not_found", [Message("utter_not_found", {"question": "那酒店和宾馆呢"})])
    monkeypatch.setattr(knowledge, "assistant", lambda: FakeAssistant(reply, Context()))
    dispatcher = CollectingDispatcher()
    run_action(dispatcher, tracker("industry_follow_up"))
    assert store.unanswered() == [("那酒店和宾馆呢", 1)]
    assert dispatcher.messages[0]["buttons"] == []  # nothing to rate
    for _ in range(5):  # the same sender asking the same again is one unanswered question
        run_action(CollectingDispatcher(), tracker("industry_follow_up"))
    assert store.unanswered() == [("那酒店和宾馆呢", 1)]


def passage(entry: str, section: str) -> Passage:
    return Passage(entry, "标题", "concept", section, section, "……", (), (), (), f"concepts/{entry}.md", 10)


def traced(margin: object, decided_by: str | None) -> Trace:
    trace = Trace(question="q")
    trace.margin = margin  # type: ignore[assignment]  # the policy may leave anything here
    if decided_by:
        trace.decided(decided_by, "why")
    return trace


def test_the_turn_log_row_has_the_passages_margin_and_deciding_rule() -> None:
    reply = Reply("answer", [], passages=[passage("empathy-service", "定义"), passage("servqual", "定义")])
    reply.trace = traced(0.0612, "named_entry")
    state = tracker("fresh_question")
    state.latest_message["message_id"] = "9f2c"
    assert turn_record(state, Turn("ask_definition", "什么是移情服务"), reply) == TurnRecord(
        sender="staff-7",
        question="什么是移情服务",
        status="answer",
        passages=("empathy-service#定义", "servqual#定义"),
        margin=0.0612,
        decided_by="named_entry",
        message_id="9f2c",
    )


@pytest.mark.parametrize("margin", [None, float("nan"), "0.1", True])
def test_a_trace_without_a_usable_margin_or_rule_still_logs_the_turn(margin: object) -> None:
    reply = Reply("clarify", [])
    reply.trace = traced(margin, None)
    record = turn_record(tracker("fresh_question"), Turn("ask_definition", "情绪"), reply)
    assert record is not None and (record.margin, record.decided_by, record.message_id) == (None, None, None)
    assert turn_record(tracker("fresh_question"), Turn("", "情绪"), Reply("not_found", [])) is not None  # no trace


def test_a_turn_the_index_could_not_answer_is_not_logged(monkeypatch: pytest.MonkeyPatch, store: FeedbackStore) -> None:
    reply = Reply("unavailable", [Message("utter_index_unavailable")])
    monkeypatch.setattr(knowledge, "assistant", lambda: FakeAssistant(reply, Context()))
    run_action(CollectingDispatcher(), tracker("industry_follow_up"))
    assert load_turns(store) == []


# --- the contract with domain.yml ----------------------------------------------------------------


def test_action_and_slots_are_declared_in_the_domain() -> None:
    domain = live_domain()
    assert ActionAnswerKnowledge().name() == "action_answer_knowledge"
    declared = {next(iter(a)) if isinstance(a, dict) else a: a for a in domain["actions"]}
    # the action sends responses by name and appends utter_feedback_buttons: it needs the domain
    assert declared["action_answer_knowledge"] == {"action_answer_knowledge": {"send_domain": True}}
    assert {name: domain["slots"][name]["type"] for name in SLOTS} == {
        "topic": "text",
        "industry": "text",
        "last_kind": "text",
        "last_items": "list",
        "last_passages": "list",
        "last_question": "text",
        "mentioned": "list",
        "last_sources": "list",
    }


@pytest.mark.parametrize(
    ("response", "params"),
    [
        ("utter_answer", {"body", "sources"}),
        ("utter_answer_with_alternatives", {"body", "sources", "alternatives"}),
        ("utter_not_found", {"question"}),
        ("utter_not_found_with_related", {"question", "related"}),
        ("utter_clarify", {"about", "options"}),
        ("utter_industry_gap", {"industry"}),
        ("utter_unknown_name", {"name"}),
        ("utter_index_unavailable", set()),
    ],
)
def test_every_response_the_core_names_fills_its_template(response: str, params: set[str]) -> None:
    """The core fills exactly these parameters (bot/conversation/compose.py, policy.py)."""
    for variant in live_domain()["responses"][response]:
        assert set(re.findall(r"\{(\w+)\}", variant["text"])) == params
