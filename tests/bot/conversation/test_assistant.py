"""The assistant's turns over the fixture knowledge base: the context it keeps, one index snapshot per turn."""

from __future__ import annotations

import logging
import shutil
from argparse import Namespace
from pathlib import Path

import pytest

from bot.conversation import assistant as assistant_module
from bot.conversation.assistant import KnowledgeAssistant, terms_read
from bot.conversation.compose import Message
from bot.conversation.planning import Context, Turn
from bot.conversation.trace import TermMatch
from bot.indexing.builder import build_index
from bot.knowledge.terms import TermTable
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from normalization.matching import Match
from normalization.reading import Reading
from tests.conftest import KB, CharEncoder, kb_settings_for

CEM = "customer-emotion-management"
STRATEGIES = Turn("ask_strategy", "客户情绪管理有哪些策略", [CEM])


def make(settings: Settings, check_seconds: float = 1.0) -> KnowledgeAssistant:
    return KnowledgeAssistant(Retriever(IndexHolder(settings.index_dir, check_seconds), CharEncoder()), settings)


@pytest.fixture(scope="module")
def assistant(kb_settings: Settings) -> KnowledgeAssistant:
    return make(kb_settings)


def test_missing_index_gets_an_honest_reply_and_keeps_the_context(tmp_path: Path) -> None:
    ctx = Context(topic=CEM, last_items=["情绪识别"])
    reply, new_ctx = make(kb_settings_for(KB, tmp_path)).respond(Turn("ask_definition", "什么是客户情绪管理"), ctx)
    assert (reply.status, reply.messages, new_ctx) == ("unavailable", [Message("utter_index_unavailable")], ctx)


def test_an_answer_sets_the_whole_context(assistant: KnowledgeAssistant) -> None:
    reply, ctx = assistant.respond(STRATEGIES, Context(topic="huawei-cloud-service", industry="科技"))
    assert reply.status == "answer" and reply.messages[-1].response == "utter_answer"
    assert ctx == Context(
        topic=CEM,
        industry=None,
        last_kind="实施策略",
        last_items=["情绪识别", "情绪调节", "情感共鸣"],
        last_passages=[f"{CEM}#实施策略"],
        last_question="客户情绪管理有哪些策略",
        mentioned=[],
        last_sources=["《客户情绪管理》· 实施策略"],
    )


def test_a_follow_up_on_an_item_keeps_the_list(assistant: KnowledgeAssistant) -> None:
    _, ctx = assistant.respond(STRATEGIES, Context())
    reply, ctx = assistant.respond(Turn("inform", "第二个呢"), ctx)
    assert reply.messages[-1].params["body"] == "• 情绪调节：客户不满时用平和的语言沟通，帮助客户平复心情。"
    assert ctx.last_items == ["情绪识别", "情绪调节", "情感共鸣"]  # 第三个 still refers to the same list


def test_an_answer_naming_entries_carries_them(assistant: KnowledgeAssistant) -> None:
    reply, ctx = assistant.respond(Turn("inform", "华为云服务", ["huawei-cloud-service"]), Context())
    assert reply.sources == ["《华为云服务》· 背景"]
    assert (ctx.topic, ctx.mentioned, ctx.last_sources) == ("huawei-cloud-service", [CEM], ["《华为云服务》· 背景"])


def test_an_industry_follow_up_keeps_the_industry(assistant: KnowledgeAssistant) -> None:
    _, ctx = assistant.respond(Turn("ask_definition", "什么是客户情绪管理", [CEM]), Context())
    reply, ctx = assistant.respond(Turn("inform", "那银行呢", industries=["银行"]), ctx)
    assert reply.sources == ["《客户情绪管理》· 应用 · 银行"]
    assert (ctx.topic, ctx.industry, ctx.last_kind) == (CEM, "银行", "应用")


def test_a_clarification_keeps_the_context(assistant: KnowledgeAssistant) -> None:
    # no topic to continue: a fragment two titles share is asked back
    before = Context(
        last_items=["情绪识别", "情绪调节"],
        last_passages=[f"{CEM}#实施策略"],
        last_question="上一问",
        last_sources=["《客户情绪管理》· 实施策略"],
    )
    reply, after = assistant.respond(Turn("inform", "情绪"), before)
    assert reply.status == "clarify" and reply.messages[0].response == "utter_clarify"
    assert after == Context(**{**before.__dict__, "last_question": "情绪"})


def test_a_miss_keeps_the_context(kb_settings: Settings) -> None:
    strict = make(kb_settings.model_copy(update={"min_confidence": 1.9}))
    _, before = strict.respond(STRATEGIES, Context())  # named: answered whatever the threshold
    reply, after = strict.respond(Turn("ask_application", "区块链在服务中怎么用"), Context(last_items=["甲"]))
    assert reply.status == "not_found" and reply.messages[0].response == "utter_not_found_with_related"
    assert after == Context(last_items=["甲"], last_question="区块链在服务中怎么用")
    assert before.topic == CEM


def test_a_turn_uses_one_index_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild that lands between planning and the decision does not reach this turn; the next turn sees it."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB, knowledge)
    settings = kb_settings_for(knowledge, tmp_path)
    build_index(settings, encoder=CharEncoder())
    assistant = make(settings, check_seconds=1e-9)  # the holder looks for a new version on every get()
    first = assistant.retriever.holder.get()
    entry = knowledge / "concepts" / f"{CEM}.md"
    old = "客户情绪管理，指企业在服务过程中识别、理解并调节客户的情绪，以提高客户满意度和忠诚度。"
    new = "客户情绪管理（新版）：企业识别并回应客户情绪的一整套做法。"
    real_plan_turn = assistant_module.plan_turn
    swapped = []

    def plan_then_rebuild(*args, **kwargs):
        request = real_plan_turn(*args, **kwargs)
        entry.write_text(entry.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        build_index(settings, encoder=CharEncoder())
        swapped.append(assistant.retriever.holder.get())  # the live index is now the new version
        return request

    monkeypatch.setattr(assistant_module, "plan_turn", plan_then_rebuild)
    reply, _ = assistant.respond(Turn("ask_definition", "什么是客户情绪管理", [CEM]), Context())
    assert swapped and swapped[0].path != first.path
    assert reply.messages[-1].params["body"] == old
    monkeypatch.setattr(assistant_module, "plan_turn", real_plan_turn)
    reply, _ = assistant.respond(Turn("ask_definition", "什么是客户情绪管理", [CEM]), Context())
    assert reply.messages[-1].params["body"] == new


# --- the reading: in the trace, and said in the reply ------------------------------------------


def test_a_typo_is_read_said_and_traced(assistant: KnowledgeAssistant) -> None:
    reply, ctx = assistant.respond(Turn("ask_definition", "客户情叙管理是什么"), Context())  # no entity from the NLU
    assert reply.status == "answer" and reply.sources == ["《客户情绪管理》· 定义"]
    assert reply.messages[0] == Message("utter_read_as", {"said": "“客户情叙管理”", "meant": "“客户情绪管理”"})
    trace = reply.trace
    assert trace is not None
    assert (trace.question, trace.understood, trace.intent) == (
        "客户情叙管理是什么",
        "客户情绪管理是什么",
        "ask_definition",
    )
    assert trace.terms == [TermMatch("客户情叙管理", "客户情绪管理", "homophone", CEM)]
    assert trace.decided_by == "named_entry"
    assert (trace.status, trace.answer) == ("answer", [f"{CEM}#定义"])
    assert ctx.last_question == "客户情叙管理是什么"  # as typed


def test_traditional_characters_are_traced_but_need_no_note(assistant: KnowledgeAssistant) -> None:
    reply, _ = assistant.respond(Turn("ask_strategy", "客戶情緒管理有哪些策略？"), Context())
    assert reply.sources == ["《客户情绪管理》· 实施策略"]
    assert [m.response for m in reply.messages] == ["utter_answer"]
    assert reply.trace is not None
    assert reply.trace.understood == "客户情绪管理有哪些策略?"
    assert reply.trace.terms == [
        TermMatch("客戶情緒管理有哪些策略？", "客户情绪管理有哪些策略?", "traditional"),
        TermMatch("客户情绪管理", "客户情绪管理", "exact", CEM),
    ]


def test_an_english_synonym_is_read_as_the_knowledge_bases_word(assistant: KnowledgeAssistant) -> None:
    reply, _ = assistant.respond(Turn("ask_strategy", "Emotion Regulation 具体怎么做"), Context(topic=CEM))
    assert reply.sources == ["《客户情绪管理》· 实施策略"]  # the list that holds 情绪调节
    assert reply.messages[0].params == {"said": "“emotion regulation”", "meant": "“情绪调节”"}
    assert reply.trace is not None and reply.trace.understood == "情绪调节 具体怎么做"
    assert reply.trace.terms == [TermMatch("emotion regulation", "情绪调节", "synonym", None)]


def test_an_absent_term_is_not_found_and_traced(assistant: KnowledgeAssistant) -> None:
    reply, _ = assistant.respond(Turn("ask_definition", "服务补救是什么意思"), Context())
    assert reply.status == "not_found" and reply.trace is not None
    assert reply.trace.decided_by == "absent_subject" and reply.trace.status == "not_found"
    assert reply.trace.coverage["missing"] == ["服务补救"]
    assert "utter_read_as" not in [m.response for m in reply.messages]


def test_the_trace_is_logged_at_debug_level(assistant: KnowledgeAssistant, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.conversation.assistant"):
        assistant.respond(Turn("ask_definition", "客户情叙管理是什么"), Context())
    [record] = [r for r in caplog.records if r.getMessage().startswith("decision trace:")]
    assert "客户情叙管理 → 客户情绪管理 [homophone]" in record.getMessage()
    assert "named_entry: decided" in record.getMessage()


def test_terms_read_puts_the_script_first() -> None:
    reading = Reading("客戶", "客户", "客户", [Match(0, 2, "客户", "客户", "x", "exact")])
    assert terms_read(reading, Namespace(terms=TermTable(topics={"客户": "entry"}))) == [  # a stand-in index
        TermMatch("客戶", "客户", "traditional"),
        TermMatch("客户", "客户", "exact", "entry"),
    ]


def test_an_item_that_is_an_entry_of_its_own_keeps_the_list_walked(assistant: KnowledgeAssistant) -> None:
    """ "第一个详细说说" answers with the item's own entry; "最后一个呢" still means the listed one."""
    _, listed = assistant.respond(Turn("ask_theory", "客户情感需求的理论基础有哪些"), Context())
    assert len(listed.last_items) > 1
    reply, ctx = assistant.respond(Turn("inform", "第一个详细说说"), listed)
    assert reply.status == "answer" and ctx.topic != listed.topic
    assert ctx.last_items == listed.last_items
