"""case: after a case, a case question naming nothing new gets another case like it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from bot.conversation.decision import Decision
from bot.conversation.planning import Context
from bot.conversation.trace import Trace
from tests.bot.conversation.rules.conftest import (
    CEM,
    DEFINED,
    HOTEL,
    HUAWEI,
    NEEDS,
    UNREACHABLE,
    appended,
    decided,
    edited_kb,
    ids,
    step,
)

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


def test_a_case_only_guessed_by_the_classifier_leaves_a_far_better_passage_to_answer(chain) -> None:
    """The classifier said ask_case; no word asks for an example and 分类 leads every story by far."""
    decision, trace = chain("ask_case", "积极情绪和消极情绪怎么区分")
    assert step(trace, "case").reason == "a case only guessed; retrieval's best passage, well ahead, is no case"
    assert step(trace, "case").evidence["lead"] > 0.15
    assert ids(decision) == [f"{CEM}#分类"] and trace.decided_by == "best_passage"


def test_an_example_asked_in_words_is_a_case_question(chain) -> None:
    decision, trace = chain("ask_case", "有没有满意惊喜感激的例子")
    assert step(trace, "case").reason == "the best-ranked case"
    assert decision.passage.entry_id == HUAWEI


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., tuple[Decision, Trace]]:
    """The fixture knowledge base with a list of examples in 客户情绪需求 (a concept, no case)."""

    examples = (
        "\n## 案例\n客户情绪需求得到满足的实例：\n"
        "- **酒店欢迎礼品**：客人入住时收到手写感谢信，感到被尊重、被关心。\n"
        "- **华为云服务**：客户反馈被认真倾听，感到被理解。\n"
    )
    add_examples = appended("concepts/customer-emotional-needs.md", examples)
    retriever, index = edited_kb(tmp_path_factory.mktemp("listed"), add_examples)
    return partial(decided, retriever, index)


def test_the_examples_an_entry_lists_answer_a_question_for_that_topics_examples(listed) -> None:
    """Retrieval ranks 客户情绪需求's own list of examples first: it answers, not one case of the base."""
    decision, trace = listed("ask_case", "客户感到被尊重被关心的实例有哪些")
    assert trace.candidates[0].passage_id == f"{NEEDS}#案例"
    assert step(trace, "case").reason == "the examples the best-ranked entry lists, well ahead of every case"
    assert ids(decision) == [f"{NEEDS}#案例"]


def test_inside_a_conversation_the_cases_its_subject_links_to_come_first(listed) -> None:
    decision, trace = listed("ask_case", "客户感到被尊重被关心的实例有哪些", DEFINED)
    assert step(trace, "case").reason == "the best-ranked case"
    assert decision.passage.entry_id in {HUAWEI, HOTEL}


def test_a_case_ranked_near_the_list_may_be_the_one_asked_about(listed) -> None:
    """The list leads every case by less than the margin: the best-ranked case answers."""
    decision, trace = listed("ask_case", "客户感到被尊重被关心的实例有哪些", context_margin=5.0)
    assert step(trace, "case").reason == "the best-ranked case"
    assert decision.passage.entry_id in {HUAWEI, HOTEL}
