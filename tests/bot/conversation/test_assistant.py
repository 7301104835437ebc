"""The assistant's turns over the fixture knowledge base: the context it keeps, one index snapshot per turn."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.conversation import assistant as assistant_module
from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.compose import Message
from bot.conversation.planning import Context, Turn
from bot.indexing.builder import build_index
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
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
