"""The intent guard on Rasa messages, with entities as the knowledge entity extractor sets them."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from rasa_addons.nlu.intent_guard import KnowledgeIntentGuard, bare_name, no_content


def topic(text: str, name: str) -> dict:
    start = text.index(name)
    return {"entity": "topic", "value": "x", "start": start, "end": start + len(name)}


@pytest.mark.parametrize(
    "text,name",
    [
        ("期望确认理论", "期望确认理论"),
        ("KANO？", "KANO"),
        (" Zappos ", "Zappos"),
        ("马斯洛呢", "马斯洛"),
        ("《华为》", "华为"),
    ],
)
def test_a_message_that_is_only_a_name(text: str, name: str) -> None:
    assert bare_name(text, [topic(text, name)])


@pytest.mark.parametrize("text,name", [("什么是期望确认理论", "期望确认理论"), ("KANO有案例吗", "KANO")])
def test_a_question_about_a_name_is_not_bare(text: str, name: str) -> None:
    assert not bare_name(text, [topic(text, name)])


def test_two_names_are_not_one_bare_name() -> None:
    text = "移情服务 KANO"
    assert not bare_name(text, [topic(text, "移情服务"), topic(text, "KANO")])


@pytest.mark.parametrize("text", ["asdfghjkl", "<script>alert(1)</script>", "' OR 1=1; DROP TABLE events;--", "!!!"])
def test_junk_has_no_content(text: str) -> None:
    assert no_content(text, [])


@pytest.mark.parametrize("text", ["你好", "SERVQUAL 是什么", "<b>移情服务</b>"])
def test_chinese_or_a_known_name_is_content(text: str) -> None:
    entities = [topic(text, "SERVQUAL")] if "SERVQUAL" in text else []
    assert not no_content(text, entities)


def message(text: str, intent: str, entities: list[dict] | None = None) -> Message:
    msg = Message(
        {
            TEXT: text,
            INTENT: {"name": intent, "confidence": 0.9},
            INTENT_RANKING_KEY: [{"name": intent, "confidence": 0.9}, {"name": "greet", "confidence": 0.1}],
        }
    )
    msg.set(ENTITIES, entities or [])
    return msg


def guard() -> KnowledgeIntentGuard:
    return KnowledgeIntentGuard(KnowledgeIntentGuard.get_default_config())


def test_process_rewrites_only_the_two_cases() -> None:
    named = message("期望确认理论", "nlu_fallback", [topic("期望确认理论", "期望确认理论")])
    junk = message("asdfghjkl", "thank")
    normal = message("谢谢", "thank")
    payload = message("/feedback_positive", "feedback_positive")
    guard().process([named, junk, normal, payload])
    assert named.get(INTENT)["name"] == "ask_definition"
    assert named.get(INTENT_RANKING_KEY)[0] == {"name": "ask_definition", "confidence": 1.0}
    assert junk.get(INTENT)["name"] == "nlu_fallback"
    assert normal.get(INTENT)["name"] == "thank"
    assert payload.get(INTENT)["name"] == "feedback_positive"
