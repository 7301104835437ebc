"""known_item: an item of any list, named whole by a message that names nothing else, gets its line."""

from __future__ import annotations

from pathlib import Path

from bot.conversation.compose import list_items
from tests.bot.conversation.rules.conftest import CEM, DEFINED, decided, edited_kb, step


def test_an_item_named_while_talking_of_nothing_gets_its_line(chain) -> None:
    decision, trace = chain("ask_definition", "情感共鸣是什么")
    assert decision.passage.id == f"{CEM}#实施策略"
    assert decision.excerpt == "- **情感共鸣**：用带温度的语言表达理解，拉近与客户的距离。"
    assert trace.decided_by == "known_item"


def test_a_message_saying_more_than_the_item_is_left_to_the_other_rules(chain) -> None:
    """Its subject has words beyond the item's name: a situation or a question of its own."""
    decision, trace = chain("ask_strategy", "情感共鸣对投诉的客户有什么用")
    assert step(trace, "known_item").outcome == "passed"


def test_an_item_naming_an_industry_is_left_to_the_industry_rules(tmp_path: Path) -> None:
    """A list of applications ("- **银行服务**：……") names an industry: "在银行服务中怎么体现"
    after another entry asks how that entry applies there, not for this list's line."""

    def add_list(knowledge: Path) -> None:
        entry = knowledge / "concepts" / "customer-emotion-management.md"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(
            text.replace("## 重要性\n", "## 重要性\n- **银行服务**：柜面先听后办。\n", 1), encoding="utf-8"
        )

    retriever, index = edited_kb(tmp_path, add_list)
    assert any("银行服务" in list_items(p.text) for p in index.passages)
    _, trace = decided(retriever, index, "ask_application", "在银行服务中怎么体现", DEFINED)
    assert step(trace, "known_item").outcome == "passed"
