"""case: after a case, a case question naming nothing new gets another case like it."""

from __future__ import annotations

from bot.conversation.planning import Context
from tests.bot.conversation.rules.conftest import HOTEL, HUAWEI, UNREACHABLE, ids, step

#: After the 华为云服务 case's story, its answer naming no other entry.
TOLD_A_CASE = Context(topic=HUAWEI, last_kind="背景", last_passages=[f"{HUAWEI}#背景"])


def test_after_a_case_another_case_like_it_whatever_the_cosine(chain) -> None:
    """The hotel case illustrates 客户情绪管理 as the 华为 case does: the conversation ties them."""
    decision, trace = chain("ask_case", "有同行这么做成功的吗", TOLD_A_CASE, min_confidence=UNREACHABLE)
    assert ids(decision) == [f"{HOTEL}#背景"]
    assert step(trace, "case").reason == "a case like the conversation's"


def test_without_a_case_in_the_conversation_the_cosine_decides(chain) -> None:
    decision, trace = chain("ask_case", "有同行这么做成功的吗", min_confidence=UNREACHABLE)
    assert decision.status == "not_found"
    assert step(trace, "case").reason == "nothing ties the question to the cases we hold"


def test_a_name_we_lack_without_an_example_asked_in_words_is_not_found(chain) -> None:
    """The classifier's ask_case, a name we lack (vpn) and nothing near: no case is "the closest"."""
    decision, trace = chain("ask_case", "在家怎么连公司的VPN", min_confidence=UNREACHABLE)
    assert decision.status == "not_found" and decision.passages == []
    assert step(trace, "case").reason == "a name we lack, no example asked in words, nothing near it"


def test_a_name_we_lack_asked_for_an_example_gets_the_closest_case(chain) -> None:
    decision, trace = chain("ask_case", "海底捞的案例有吗", min_confidence=UNREACHABLE)
    assert decision.status == "answer" and decision.note is not None
    assert decision.note.response == "utter_unknown_name"
