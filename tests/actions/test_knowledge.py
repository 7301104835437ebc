"""action_answer_knowledge with trackers built from tests/actions/fixtures/*.json (Rasa tracker dumps)."""

import asyncio
import json
import threading
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import knowledge
from actions.knowledge import FEEDBACK_BUTTONS, SLOTS, ActionAnswerKnowledge, context_from_tracker, turn_from_tracker
from bot.conversation.compose import Reply
from bot.feedback.store import FeedbackStore
from bot.conversation.planning import Context, Turn

from tests.conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures"


def tracker(name: str) -> Tracker:
    return Tracker.from_dict(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def test_turn_from_a_fresh_question() -> None:
    assert turn_from_tracker(tracker("fresh_question")) == Turn(
        intent="ask_definition", text="什么是移情服务", topics=["empathy-service"], industries=[]
    )


def test_turn_keeps_distinct_entities_of_our_types_in_order() -> None:
    assert turn_from_tracker(tracker("industry_follow_up")) == Turn(
        intent="inform", text="那酒店和宾馆呢", topics=[], industries=["酒店"]
    )
    assert turn_from_tracker(tracker("comparison")).topics == ["empathy-service", "customer-emotion-management"]


def test_turn_from_an_empty_message() -> None:
    assert turn_from_tracker(tracker("empty")) == Turn(intent="", text="")


def test_turn_with_a_null_intent() -> None:
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
    )


def test_context_from_partly_set_slots() -> None:
    assert context_from_tracker(tracker("comparison")) == Context(topic="servqual", last_kind="定义")


class StubAssistant:
    def __init__(self, reply: Reply, ctx: Context) -> None:
        self.reply, self.ctx = reply, ctx
        self.calls: list[tuple[Turn, Context]] = []

    def respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
        self.calls.append((turn, ctx))
        return self.reply, self.ctx


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> StubAssistant:
    reply = Reply(
        text="情感服务体验在酒店……\n\n来源：《情感服务体验》· 应用 · 酒店",
        buttons=[("情感服务体验有哪些案例", "情感服务体验有哪些案例"), ("什么是移情服务", "/ask_definition")],
        items=["个性化接待", "入住欢迎礼"],
    )
    ctx = Context(
        topic="emotional-service-experience",
        industry="酒店",
        last_kind="应用",
        last_items=["个性化接待", "入住欢迎礼"],
        last_passages=["emotional-service-experience#应用 · 酒店"],
        last_question="那酒店和宾馆呢",
    )
    assistant = StubAssistant(reply, ctx)
    monkeypatch.setattr(knowledge, "assistant", lambda: assistant)
    return assistant


def run_action(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The action as the action server runs it: awaited on an event loop."""
    return asyncio.run(ActionAnswerKnowledge().run(dispatcher, tracker, domain={}))


def test_answers_run_off_the_event_loop_and_concurrently(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two questions meet in the thread pool; on the event loop the first would wait for ever."""
    both_answering = threading.Barrier(2, timeout=5)
    reply = Reply("移情服务……", status="answer")

    class MeetingAssistant(StubAssistant):
        def respond(self, turn: Turn, ctx: Context) -> tuple[Reply, Context]:
            both_answering.wait()
            assert threading.current_thread() is not threading.main_thread()
            return super().respond(turn, ctx)

    meeting = MeetingAssistant(reply, Context())
    monkeypatch.setattr(knowledge, "assistant", lambda: meeting)

    async def two_conversations() -> None:
        action = ActionAnswerKnowledge()
        await asyncio.gather(*(action.run(CollectingDispatcher(), tracker("industry_follow_up"), domain={})
                               for _ in range(2)))

    asyncio.run(two_conversations())
    assert len(meeting.calls) == 2


def test_run_sends_the_reply_with_buttons(stub: StubAssistant) -> None:
    dispatcher = CollectingDispatcher()
    run_action(dispatcher, tracker("industry_follow_up"))
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["text"] == "情感服务体验在酒店……\n\n来源：《情感服务体验》· 应用 · 酒店"
    assert message["buttons"] == [
        {"title": "情感服务体验有哪些案例", "payload": "情感服务体验有哪些案例"},
        {"title": "什么是移情服务", "payload": "/ask_definition"},
        *FEEDBACK_BUTTONS,  # every answer can be rated
    ]


def test_run_passes_the_turn_and_context_of_the_tracker(stub: StubAssistant) -> None:
    run_action(CollectingDispatcher(), tracker("industry_follow_up"))
    assert stub.calls == [
        (Turn(intent="inform", text="那酒店和宾馆呢", industries=["酒店"]),
         context_from_tracker(tracker("industry_follow_up")))
    ]


def test_run_sets_every_slot_from_the_new_context(stub: StubAssistant) -> None:
    events = run_action(CollectingDispatcher(), tracker("industry_follow_up"))
    assert events == [
        SlotSet("topic", "emotional-service-experience"),
        SlotSet("industry", "酒店"),
        SlotSet("last_kind", "应用"),
        SlotSet("last_items", ["个性化接待", "入住欢迎礼"]),
        SlotSet("last_passages", ["emotional-service-experience#应用 · 酒店"]),
        SlotSet("last_question", "那酒店和宾馆呢"),
    ]


def test_run_clears_slots_the_new_context_leaves_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    stub = StubAssistant(Reply("抱歉，知识库索引还没有建立，暂时无法回答。", status="unavailable"), Context())
    monkeypatch.setattr(knowledge, "assistant", lambda: stub)
    dispatcher = CollectingDispatcher()
    events = run_action(dispatcher, tracker("industry_follow_up"))
    assert dispatcher.messages[0]["text"] == "抱歉，知识库索引还没有建立，暂时无法回答。"
    assert dispatcher.messages[0]["buttons"] == []
    assert events == [SlotSet(name, [] if name in ("last_items", "last_passages") else None) for name in SLOTS]


def test_action_and_slots_are_declared_in_the_domain() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert ActionAnswerKnowledge().name() == "action_answer_knowledge"
    assert "action_answer_knowledge" in domain["actions"]
    assert set(SLOTS) <= set(domain["slots"])
    assert {name: domain["slots"][name]["type"] for name in SLOTS} == {
        "topic": "text", "industry": "text", "last_kind": "text", "last_items": "list", "last_passages": "list",
        "last_question": "text",
    }


def test_unanswered_question_is_recorded_for_trainers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.db")
    monkeypatch.setattr(knowledge, "feedback_store", lambda: store)
    reply = Reply("抱歉，知识库中没有找到与“那酒店和宾馆呢”直接相关的内容。", status="not_found")
    monkeypatch.setattr(knowledge, "assistant", lambda: StubAssistant(reply, Context()))
    dispatcher = CollectingDispatcher()
    run_action(dispatcher, tracker("industry_follow_up"))
    assert store.unanswered() == [("那酒店和宾馆呢", 1)]
    assert dispatcher.messages[0]["buttons"] == []  # nothing to rate
