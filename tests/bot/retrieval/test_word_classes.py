"""Closed classes of words: what asks, and the first person (pure logic)."""

from __future__ import annotations

import pytest

from bot.retrieval.word_classes import asks


@pytest.mark.parametrize(
    ("text", "asking"),
    [
        ("管不管用", True),
        ("这种累到底从哪来的", True),
        ("帮我想个道歉的开头", True),
        ("认知失调", False),
        ("胖东来", False),
        ("今天被客户骂哭了 到现在手还在抖", False),  # tells, asks nothing
        ("有没有医院做过", True),
        ("同事自己都好攰 公司可以點幫佢哋", True),  # Cantonese: 點 "how" after a modal
        ("我應該點處理", True),
        ("有個客人好嬲", False),
        ("重点说一下", False),  # Mandarin 点: a point
    ],
)
def test_what_asks(text: str, asking: bool) -> None:
    assert asks(text) is asking
