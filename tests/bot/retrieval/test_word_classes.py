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
        ("天天对着病人 做什么都得赔着小心", False),  # a question word before 都/也: "whatever"
        ("客人怎么劝也不肯走", False),
        ("为什么都冲着前台发火", True),  # a why before 都 still asks
        ("怎么大家都在投诉", True),
        ("啥都不会的新人怎么带", True),  # another question word asks
        ("一天接几百个投诉电话 大伙都快顶不住了", False),  # 几 in an approximate number counts
        ("存了十几年的老储户", False),
        ("来回转了好几圈", False),
        ("这几天一直睡不好", False),
        ("分几个步骤", True),  # 几 alone asks how many
        ("几十个人排队怎么安排", True),
    ],
)
def test_what_asks(text: str, asking: bool) -> None:
    assert asks(text) is asking
