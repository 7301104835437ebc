"""absent_concept: a concept the knowledge base never mentions, named inside a longer question, is
"not found"; descriptions in everyday words, situations and named entries are left to the rules after it."""

from __future__ import annotations

import pytest

from bot.conversation.rules.absent_concept import AbsentConcept
from tests.bot.conversation.rules.conftest import CEM

RULE = AbsentConcept()


@pytest.mark.parametrize(
    ("intent", "text", "concept"),
    [
        # jieba's pieces of a word it does not know before a head word the knowledge base uses
        ("ask_comparison", "破窗品牌跟门店卫生有啥关系", "破窗品牌"),  # 品牌: a word of the fixture
        # a compound ending like our theories' names (the fixture's: 理论)
        ("ask_strategy", "剧场理论怎么用到柜台上", "剧场理论"),
    ],
)
def test_a_concept_we_never_mention_inside_a_question_is_not_found(plan, evidence, intent, text, concept) -> None:
    outcome = RULE.decide(evidence(plan(intent, text)))
    assert outcome.decision.status == "not_found" and outcome.decision.passages == []
    assert outcome.evidence["concept"] == concept


@pytest.mark.parametrize(
    "text",
    [
        "病人家属在走廊情绪崩了 护士咋安抚",  # a situation
        "我是店长 店里几个小姑娘压力太大了",  # people, not a name
        "银行那个案例起因是啥",  # a kind of section asked
        "走廊情绪有啥讲究",  # ends in a word the knowledge base is about
        "公司干嘛要在乎员工心情",  # everyday words, tagged nouns in chat, name nothing
        "我们店卖衣服的 顾客嚷着要退",  # one-character words before a word we never use
        "是不是我心理素质太差了",
    ],
)
def test_descriptions_in_everyday_words_pass(plan, evidence, text: str) -> None:
    outcome = RULE.decide(evidence(plan("ask_strategy", text)))
    assert not hasattr(outcome, "decision"), outcome.evidence


def test_a_message_naming_an_entry_is_left_to_its_rule(plan, evidence) -> None:
    outcome = RULE.decide(evidence(plan("ask_comparison", "客户情绪管理和破窗效应有啥关系", topics=(CEM,))))
    assert outcome.reason == "names an entry: the named entry's rule weighs the rest"
