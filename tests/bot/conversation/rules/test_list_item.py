"""list_item: an item of the last answer's list, pointed at ("第二个展开说说") or named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.planning import Context
from tests.bot.conversation.rules.conftest import CEM, HUAWEI, decided, edited_kb, step

STEPS = Context(
    topic=CEM,
    last_kind="实施策略",
    last_items=["情绪识别", "情绪调节", "情感共鸣"],
    last_passages=[f"{CEM}#实施策略"],
)


@pytest.fixture(scope="module")
def aliased(tmp_path_factory: pytest.TempPathFactory):
    """The fixture knowledge base where 情绪调节, an item of 客户情绪管理's strategies, is also one of
    its aliases (as in knowledge/), and 华为云服务 is an item of nothing."""

    def alias(knowledge: Path) -> None:
        entry = knowledge / "concepts" / "customer-emotion-management.md"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace("aliases: [情绪管理,", "aliases: [情绪调节, 情绪管理,", 1), encoding="utf-8")

    return edited_kb(tmp_path_factory.mktemp("aliased"), alias)


def test_an_item_named_like_its_own_lists_entry_gets_its_line(aliased) -> None:
    """情绪调节 names 客户情绪管理 itself: the entry would answer with the same list again."""
    retriever, index = aliased
    decision, trace = decided(retriever, index, "ask_more", "第二个展开说说", STEPS)
    assert trace.decided_by == "list_item"
    assert step(trace, "list_item").reason == "its line of the list"
    assert decision.excerpt is not None and decision.excerpt.startswith("- **情绪调节**")


def test_an_item_that_is_another_entry_gets_that_entry(aliased) -> None:
    retriever, index = aliased
    cases = Context(topic=CEM, last_kind="案例", last_items=["华为云服务"], last_passages=[f"{CEM}#实施策略"])
    decision, trace = decided(retriever, index, "ask_more", "第一个展开说说", cases)
    assert step(trace, "list_item").reason == "the item is an entry of its own"
    assert decision.passage.entry_id == HUAWEI


COMPARED = Context(
    topic="expectation-confirmation-theory",
    last_kind="定义",
    last_items=["期望确认理论", "社会交换理论"],
    last_passages=["expectation-confirmation-theory#定义", "social-exchange-theory#定义"],
)


def test_the_former_or_latter_of_two_compared_entries(chain) -> None:
    """「前面那个」/「后一个」 after two entries compared is the first or the second."""
    decision, trace = chain("ask_importance", "后一个有啥用", COMPARED)
    assert step(trace, "list_item").reason == "the item is an entry of its own"
    assert [p.id for p in decision.passages] == ["social-exchange-theory#重要性"]
    decision, trace = chain("ask_application", "前面那个怎么用", COMPARED)
    assert [p.id for p in decision.passages] == ["expectation-confirmation-theory#应用"]
