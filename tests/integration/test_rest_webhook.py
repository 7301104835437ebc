"""The running assistant through its REST webhook: real Chinese questions, real replies."""

from __future__ import annotations

import time

import pytest

from rasa_addons.channels.guard import EMPTY, GARBLED, TOO_LONG, reply
from tests.conftest import ROOT
from tests.integration.conftest import Assistant

pytestmark = pytest.mark.integration


def test_definition_is_answered_from_the_knowledge_base_with_its_source(assistant: Assistant) -> None:
    replies = assistant.ask("it-definition", "什么是移情服务")
    text = replies[0]["text"]
    # Only the action server composes answers with a citation: this fails if it is not used.
    assert "来源：《移情服务》· 定义" in text
    assert "同理心" in text and "客户" in text
    buttons = replies[0].get("buttons", [])
    suggestions = [b["title"] for b in buttons if not b["payload"].startswith("/feedback")]
    assert 1 <= len(suggestions) <= 3 and all(t.startswith("移情服务") or t.startswith("什么是") for t in suggestions)
    assert [b["payload"] for b in buttons[-2:]] == ["/feedback_positive", "/feedback_negative"]


def test_rating_an_answer_is_thanked(assistant: Assistant) -> None:
    assistant.ask("it-rating", "期望确认理论讲什么")
    assert "感谢" in assistant.reply_text("it-rating", "/feedback_positive")
    assert "已记录" in assistant.reply_text("it-rating", "/feedback_negative")


def test_a_rating_in_words_before_any_answer_is_answered_as_a_question(assistant: Assistant) -> None:
    """Nothing has been answered yet: the classifier's 👎 is no rating, the message is a question."""
    reply = assistant.reply_text("it-rating-first", "没帮助")
    assert "已记录" not in reply and reply.strip()
    assert "已记录" in assistant.reply_text("it-rating-first", "/feedback_negative")  # the button is a rating


def test_case_question_names_a_bank_case(assistant: Assistant) -> None:
    text = assistant.reply_text("it-bank-case", "有没有银行处理投诉的案例")
    assert "银行" in text and "来源：" in text
    assert "手续费" in text or "投诉" in text


def test_follow_up_uses_the_conversation_topic(assistant: Assistant) -> None:
    assistant.ask("it-follow", "客户情绪管理有哪些策略")
    text = assistant.reply_text("it-follow", "举个例子")
    assert "来源：" in text
    assert any(name in text for name in ("华为", "Zappos", "亚马逊"))


@pytest.mark.parametrize(
    ("message", "expected"),
    [("   ", reply(EMPTY)), ("!!!???###", reply(GARBLED)), ("移情服务" * 200, reply(TOO_LONG, n=800, limit=500))],
    ids=["empty", "garbled", "huge"],
)
def test_bad_input_gets_a_polite_reply(assistant: Assistant, message: str, expected: str) -> None:
    assert assistant.ask("it-bad-input", message) == [{"recipient_id": "it-bad-input", "text": expected}]


def test_out_of_scope_is_refused_without_a_random_passage(assistant: Assistant) -> None:
    text = assistant.reply_text("it-oos", "今天天气怎么样")
    assert "抱歉" in text and "来源：" not in text


NEW_ENTRY = """---
id: zz-integration-flower-shop
title: 花店雨天安抚顾客示例
type: case
aliases: [花店雨天安抚]
industries: [零售]
related: []
sources: []
---

## 背景
花店雨天安抚顾客示例的背景：下雨天鲜花配送延误，收花人着急打电话询问。

## 做法
花店雨天安抚顾客示例的做法：店员先致歉并说明延误原因，再主动提供实时配送位置，并赠送一张手写卡片。
"""


def test_a_trainers_new_entry_is_answered_without_restart_and_gone_once_deleted(assistant: Assistant) -> None:
    """The trainers' workflow of knowledge/README.md: save a file, ask; delete it, it is gone."""
    path = ROOT / "knowledge" / "cases" / "zz-integration-flower-shop.md"
    try:
        path.write_text(NEW_ENTRY, encoding="utf-8")
        text = _wait_for_reply(assistant, "花店雨天安抚是怎么做的", lambda t: "花店雨天安抚顾客示例" in t)
        assert "来源：《花店雨天安抚顾客示例》" in text and "手写卡片" in text
    finally:
        path.unlink(missing_ok=True)
    _wait_for_reply(assistant, "花店雨天安抚是怎么做的", lambda t: "花店雨天安抚顾客示例" not in t)


def _wait_for_reply(assistant: Assistant, message: str, done, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        text = assistant.reply_text("it-trainer", message)
        if done(text) or time.monotonic() > deadline:
            assert done(text), text
            return text
        time.sleep(1)
