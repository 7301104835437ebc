"""item_lines: each list item by name with its line (list_items in compose gives the names alone)."""

from __future__ import annotations

from bot.knowledge.lists import item_lines


def test_each_item_by_name_with_its_line() -> None:
    text = "开头一句。\n- **同理心**：站在客户角度。\n  2、倾听：先听完。\n普通一句：不是列表。"
    assert item_lines(text) == {"同理心": "- **同理心**：站在客户角度。", "倾听": "2、倾听：先听完。"}


def test_an_item_named_twice_keeps_its_first_line() -> None:
    assert item_lines("- **倾听**：先听完。\n- **倾听**：再复述。") == {"倾听": "- **倾听**：先听完。"}
