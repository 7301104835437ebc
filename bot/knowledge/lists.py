"""The items of a passage's Markdown lists, by name: what "第二个" and "有形性呢" point at.

Usage:
    item_lines("- **同理心**：站在客户角度。\n- 倾听：先听完。")
    # → {'同理心': '- **同理心**：站在客户角度。', '倾听': '- 倾听：先听完。'}
"""

from __future__ import annotations

import re

#: A list line ("- ", "1. ", "2) ", "3、") opening with a bold name or a short name and a colon.
_ITEM = re.compile(r"^\s*(?:[-*+]\s+|\d+(?:[.)]\s+|、\s*))(?:\*\*(.+?)\*\*|([^：:，,。]{2,20})[：:])")


def item_lines(text: str) -> dict[str, str]:
    """Each item of a Markdown list by its name, with its line ("同理心" → "- **同理心**：……")."""
    items: dict[str, str] = {}
    for line in text.splitlines():
        match = _ITEM.match(line)
        if match:
            items.setdefault((match.group(1) or match.group(2)).strip(), line.strip())
    return items
