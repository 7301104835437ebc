"""Names the knowledge base lacks, on messages as the reader understood them (more cases in test_policy)."""

from __future__ import annotations

import pytest

from bot.conversation.names import opening_name, unknown_name
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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("迪士尼怎么培训员工", "迪士尼"),  # a proper noun opening the message, then how
        ("海底捞怎么做服务的", "海底捞"),  # pieces jieba had to cut (海底 + 捞)
        ("那胖东来为啥口碑好", "胖东来"),  # after 那, then why
        ("宜家的服务有啥值得学", "宜家"),  # before 的
        ("新来的前台不会体谅客人 怎么带", None),  # a verb: something that happened, no name
        ("回头客越来越少 怎么让老客户常来", None),
        ("上海分行怎么提升客户满意度", None),  # a common noun at its end: a place of ours described
        ("我们想学迪士尼怎么培训员工", None),  # the name is not what the message opens with
        ("小王怎么老是被客户投诉", None),  # a person called by a form of address: no company
        ("老王为什么总发火", None),
        ("张姐为啥不理人", None),
    ],
)
def test_opening_name_is_what_the_question_is_about(kb_index: Index, text: str, name: str | None) -> None:
    found = opening_name(kb_index.reader.read(text).understood, kb_index)
    assert (found.name if found else None) == name


@pytest.mark.parametrize(
    ("text", "acts"),
    [
        ("迪士尼怎么安抚客户", True),
        ("宜家的顾客在店里吵起来怎么办", False),
        ("招商银行是怎么做的", False),  # 是 asks what it is or did: no agent by itself
    ],
)
def test_a_name_a_how_follows_is_who_acts(kb_index: Index, text: str, acts: bool) -> None:
    found = opening_name(kb_index.reader.read(text).understood, kb_index)
    assert found is not None and found.acts is acts


@pytest.mark.parametrize("text", ["老客户说我们新出的规定不近人情", "扣错的钱退回去要几天", "新来的前台不会体谅客人"])
def test_a_verb_before_de_is_no_name(kb_index: Index, text: str) -> None:
    """新出, 新来: jieba knows them only as prefixes of longer words, yet they say what happened."""
    assert unknown_name(kb_index.reader.read(text).understood, kb_index) is None
