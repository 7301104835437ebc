"""The assistant's decisions, over the fixture knowledge base with the deterministic test encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.assistant import CLARIFY_REPLY, INDEX_MISSING_REPLY, KnowledgeAssistant
from bot.conversation.planning import Context, Turn
from bot.indexing.builder import build_index
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Hit, Retriever
from bot.settings import Settings
from tests.conftest import CharEncoder


@pytest.fixture
def settings(fixture_kb: Path, tmp_path: Path) -> Settings:
    return Settings(knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu",
                    encoder="test-char-encoder", min_confidence=0.0, watch_knowledge=False)


@pytest.fixture
def assistant(settings: Settings, char_encoder: CharEncoder) -> KnowledgeAssistant:
    build_index(settings, encoder=char_encoder)
    return KnowledgeAssistant(Retriever(IndexHolder(settings.index_dir), char_encoder), settings)


def test_missing_index_gets_an_honest_reply(settings: Settings, char_encoder: CharEncoder) -> None:
    assistant = KnowledgeAssistant(Retriever(IndexHolder(settings.index_dir), char_encoder), settings)
    reply, ctx = assistant.respond(Turn("ask_definition", "什么是移情服务"), Context(topic="x"))
    assert (reply.text, reply.status, ctx) == (INDEX_MISSING_REPLY, "unavailable", Context(topic="x"))


def test_named_topic_gets_its_section_for_the_industry(assistant: KnowledgeAssistant) -> None:
    reply, ctx = assistant.respond(Turn("ask_application", "移情服务在医院怎么用", ["good-entry"], ["医疗"]), Context())
    assert reply.text.endswith("来源：《移情服务》· 应用 · 医疗")
    assert (ctx.topic, ctx.industry, ctx.last_kind) == ("good-entry", "医疗", "应用")
    assert reply.status == "answer" and 1 <= len(reply.buttons) <= 3


def test_follow_up_continues_the_topic_and_lists_items(assistant: KnowledgeAssistant) -> None:
    _, ctx = assistant.respond(Turn("ask_definition", "什么是移情服务", ["good-entry"]), Context())
    reply, ctx = assistant.respond(Turn("ask_components", "有哪些要素"), ctx)
    assert reply.text.endswith("来源：《移情服务》· 关键要素")
    assert ctx.last_items == ["同理心", "有效沟通"]


def test_below_the_threshold_the_knowledge_base_has_no_answer(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    strict = settings.model_copy(update={"min_confidence": 1.5})
    assistant = KnowledgeAssistant(Retriever(IndexHolder(settings.index_dir), char_encoder), strict)
    reply, _ = assistant.respond(Turn("ask_application", "区块链在服务中怎么用"), Context())
    assert reply.status == "not_found" and reply.text.startswith("抱歉，知识库中没有找到")


def passage(assistant: KnowledgeAssistant, entry_id: str):
    return next(p for p in assistant.retriever.holder.get().passages if p.entry_id == entry_id)


def test_two_entries_scoring_alike_are_ambiguous(assistant: KnowledgeAssistant) -> None:
    a, b = passage(assistant, "good-entry"), passage(assistant, "other-entry")
    close = [Hit(a, 1.00, 0.9, 1.0), Hit(b, 0.99, 0.9, 1.0), Hit(a, 0.50, 0.8, 0.0)]
    apart = [Hit(a, 1.00, 0.9, 1.0), Hit(b, 0.90, 0.9, 1.0)]
    assert KnowledgeAssistant._ambiguous(close) == [a, b]
    assert KnowledgeAssistant._ambiguous(apart) == []


def test_clarifying_question_offers_each_topic_as_a_button(assistant: KnowledgeAssistant) -> None:
    a, b = passage(assistant, "good-entry"), passage(assistant, "other-entry")
    reply = KnowledgeAssistant._clarify([a, b], ["定义"])
    assert reply.status == "clarify"
    assert reply.text == CLARIFY_REPLY + "1. 移情服务\n2. 期望确认理论"
    assert reply.buttons == [("移情服务", "移情服务是什么"), ("期望确认理论", "期望确认理论是什么")]


def test_comparison_shows_both_topics(assistant: KnowledgeAssistant) -> None:
    turn = Turn("ask_comparison", "移情服务和期望确认理论有什么区别", ["good-entry", "other-entry"])
    reply, _ = assistant.respond(turn, Context())
    assert "【移情服务】" in reply.text and "【期望确认理论】" in reply.text
    assert reply.text.endswith("来源：《移情服务》· 定义；《期望确认理论》· 定义")


def test_industry_follow_up_leaves_a_topic_that_does_not_cover_it(assistant: KnowledgeAssistant) -> None:
    """"那酒店呢" after the theory entry (no industries): the answer comes from where 酒店 is covered."""
    _, ctx = assistant.respond(Turn("ask_definition", "期望确认理论讲什么", ["other-entry"]), Context())
    reply, ctx = assistant.respond(Turn("inform", "那酒店呢", industries=["酒店"]), ctx)
    assert reply.text.endswith("来源：《移情服务》· 应用 · 酒店")
    assert (ctx.topic, ctx.industry) == ("good-entry", "酒店")


def test_industry_follow_up_keeps_a_topic_that_covers_it(assistant: KnowledgeAssistant) -> None:
    _, ctx = assistant.respond(Turn("ask_application", "移情服务怎么用", ["good-entry"]), Context())
    reply, _ = assistant.respond(Turn("inform", "那医院呢", industries=["医疗"]), ctx)
    assert reply.text.endswith("来源：《移情服务》· 应用 · 医疗")
