"""Names the knowledge base lacks, on messages as the reader understood them (more cases in test_policy)."""

from __future__ import annotations

import pytest

from bot.conversation.names import unknown_name
from bot.indexing.store import Index


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Zendesk的案例", "zendesk"),  # a Latin word inside a Chinese message, case-folded
        ("海底撈的案例有嗎", "海底捞"),  # Traditional characters: the name in its matching form
        ("Emotion Regulation 有案例吗", None),  # an English synonym reads as 情绪调节, no company
        ("front desk 平时该怎么练", None),
        ("Zendesk怎么样", "zendesk"),
        ("胖东来呢", "胖东来"),  # before the last word 呢, pieces jieba had to cut: the name asked about
        ("那胖东来呢？", "胖东来"),
        ("胖东来呢 还有别的吗", None),  # 呢 inside the message marks no name
        ("那酒店呢", None),  # an industry we know
    ],
)
def test_unknown_name_of_what_the_reader_understood(kb_index: Index, text: str, name: str | None) -> None:
    assert unknown_name(kb_index.reader.read(text).understood, kb_index) == name
