"""The replay runner over the fixture knowledge base, with a fake NLU: routes, rendering, context."""

from __future__ import annotations

import pytest

from bot.conversation.planning import Context
from bot.conversation.replay import (
    MAX_MESSAGE_CHARS,
    OutMessage,
    Parse,
    Replayer,
    Responses,
    RuleBook,
    fill,
    guard_response,
)
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from rasa_addons.channels import guard as channel_guard
from tests.conftest import ROOT, CharEncoder

CEM = "customer-emotion-management"


class TableNlu:
    def __init__(self, table: dict[str, Parse]) -> None:
        self.table = table
        self.asked: list[str] = []

    def parse(self, text: str) -> Parse:
        self.asked.append(text)
        return self.table.get(text, Parse("ask_definition", 0.5))


@pytest.fixture(scope="module")
def replayer(kb_settings: Settings) -> Replayer:
    from bot.conversation.assistant import KnowledgeAssistant

    assistant = KnowledgeAssistant(Retriever(IndexHolder(kb_settings.index_dir), CharEncoder()), kb_settings)
    nlu = TableNlu(
        {
            "你好": Parse("greet", 0.99),
            "/feedback_negative": Parse("feedback_negative", 1.0),
            "期望不一致理论": Parse("feedback_negative", 0.94),
            "客户情绪管理有哪些策略": Parse("ask_strategy", 0.9, [{"entity": "topic", "value": CEM}]),
            "第二个呢": Parse("inform", 0.9),
            "订机票": Parse("no_such_intent", 0.9),
            "那平时具体怎么做呢": Parse("nlu_fallback", 0.4),
        }
    )
    return Replayer(assistant, nlu, Responses.load(ROOT / "domain.yml"), RuleBook.load(ROOT / "data" / "rules"))


def test_fill_is_rasas_interpolation() -> None:
    assert (
        fill("{body}\n\n来源：{sources}", {"body": "正文 {x}", "sources": "《甲》· 定义"})
        == "正文 {x}\n\n来源：《甲》· 定义"
    )
    assert fill("缺少 {name}", {}) == "缺少 {name}"


def test_rules_of_the_project() -> None:
    rules = RuleBook.load(ROOT / "data" / "rules")
    assert rules.actions("greet") == ["utter_greet"]
    assert rules.actions("feedback_positive") == ["action_record_feedback", "utter_feedback_positive"]
    assert rules.actions("ask_strategy") == ["action_answer_knowledge"]
    assert rules.actions("unknown") == []


@pytest.mark.parametrize("text", ["", "   ", "!!!???###", "移情服务" * 130, "什么是移情服务", "👍", "……。", "ＡＢＣ"])
def test_guard_agrees_with_the_channels_guard(text: str) -> None:
    ours = guard_response(text)
    stripped = text.strip()
    theirs = (
        channel_guard.EMPTY
        if not stripped
        else channel_guard.TOO_LONG
        if len(stripped) > channel_guard.MAX_MESSAGE_CHARS
        else channel_guard.GARBLED
        if channel_guard.is_garbled(stripped)
        else None
    )
    assert (ours[0] if ours else None) == theirs
    assert MAX_MESSAGE_CHARS == channel_guard.MAX_MESSAGE_CHARS


def test_a_rule_intent_gets_its_domain_response_and_keeps_the_context(replayer: Replayer) -> None:
    ctx = Context(topic=CEM)
    [turn] = replayer.run(["你好"], ctx)
    assert turn.route == "rule" and turn.responses == ["utter_greet"]
    assert turn.messages == [OutMessage(replayer.responses.text("utter_greet"))]
    assert turn.context == ctx


def test_a_rating_is_answered_but_never_recorded(replayer: Replayer) -> None:
    [turn] = replayer.run(["/feedback_negative"])
    assert turn.responses == ["utter_feedback_negative"]  # action_record_feedback is skipped


def test_a_rating_in_words_before_any_answer_is_answered_as_a_question(replayer: Replayer) -> None:
    [first] = replayer.run(["期望不一致理论"])
    assert first.route == "assistant" and first.responses == []
    answered = Context(last_question="客户情绪管理有哪些策略")
    [after_an_answer] = replayer.run(["期望不一致理论"], answered)
    assert after_an_answer.responses == ["utter_feedback_negative"]


def test_an_intent_no_rule_follows_gets_the_guards_unavailable_reply(replayer: Replayer) -> None:
    [turn] = replayer.run(["订机票"])
    assert turn.responses == ["utter_service_unavailable"]


def test_knowledge_turns_carry_the_context_and_render_as_the_rest_channel(replayer: Replayer) -> None:
    first, second = replayer.run(["客户情绪管理有哪些策略", "第二个呢"])
    assert first.route == "assistant" and first.reply is not None and first.reply.trace is not None
    answer = first.messages[-1]
    assert answer.text.endswith("来源：《客户情绪管理》· 实施策略")
    assert [b["payload"] for b in answer.buttons[-2:]] == ["/feedback_positive", "/feedback_negative"]
    assert first.context.topic == CEM
    assert second.messages[-1].text.startswith("• 情绪调节")
    assert second.messages[-1].as_rest()["buttons"] == second.messages[-1].buttons


def test_a_message_the_classifier_could_not_place_asks_to_rephrase_or_follows_up(replayer: Replayer) -> None:
    [alone] = replayer.run(["那平时具体怎么做呢"])
    assert alone.route == "assistant" and alone.reply is not None and alone.reply.status == "not_understood"
    assert [m.text for m in alone.messages] == [replayer.responses.text("utter_ask_rephrase")]
    _, after = replayer.run(["客户情绪管理有哪些策略", "那平时具体怎么做呢"])
    assert after.reply is not None and after.reply.status == "answer"
    assert after.context.topic == CEM


def test_guarded_input_never_reaches_the_nlu(replayer: Replayer) -> None:
    asked = len(replayer.nlu.asked)  # type: ignore[attr-defined]
    [turn] = replayer.run(["???"])
    assert turn.route == "guard" and turn.responses == ["utter_ask_rephrase"]
    assert len(replayer.nlu.asked) == asked  # type: ignore[attr-defined]


def test_rasa_nlu_over_http_with_the_token_in_a_header_not_the_url() -> None:
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from bot.conversation.replay import NluUnavailable, RasaNlu

    class Rasa(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.headers.get("Authorization") != "Bearer secret" or "token" in self.path:
                self.send_response(401)
                self.end_headers()
                return
            data = {"intent": {"name": "greet", "confidence": 0.9}, "entities": [], "text": body["text"]}
            if body["text"] == "华为云怎么续费":  # the intent guard rewrote the classifier's intent
                data["overruled_intent"] = {"name": "out_of_scope", "confidence": 0.99}
            payload = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Rasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        assert RasaNlu(url, "secret").parse("你好") == Parse("greet", 0.9, [])
        assert RasaNlu(url, "secret").parse("华为云怎么续费").overruled == "out_of_scope"
        with pytest.raises(NluUnavailable, match="令牌"):
            RasaNlu(url, "wrong").parse("你好")
    finally:
        server.shutdown()
    with pytest.raises(NluUnavailable, match="无法连接"):
        RasaNlu(url, "secret", timeout=2).parse("你好")
