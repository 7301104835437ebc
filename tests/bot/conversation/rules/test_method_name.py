"""method_we_lack: a method, test or brand the knowledge base never says, asked to be used (routing.yml
`method_cues`), is not found, also inside a situation; our names, people and everyday words pass."""

from __future__ import annotations

import pytest

from bot.conversation.rules.method_name import MethodWeLack
from tests.bot.conversation.rules.conftest import CEM

RULE = MethodWeLack()


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("用MBTI给客户分类然后调整沟通方式", "mbti"),  # a Latin name
        ("我们酒店能照搬HEARD那套吗", "heard"),
        ("用萨提亚的冰山分析投诉客户", "萨提亚"),  # a person's name
        ("用设计思维重新设计开户流程", "设计思维"),  # a word we never use before a head of no weight
        ("顾客投诉时怎么用感官营销来安抚", "感官营销"),  # inside a situation
        ("店长想用MBTI测试给导购排班", "mbti测试"),  # the cue fused with a verb of intent: 想用
        ("我们要用HEARD那套处理投诉", "heard"),  # 要用
    ],
)
def test_a_method_we_never_mention_asked_to_be_used_is_not_found(plan, evidence, text: str, method: str) -> None:
    outcome = RULE.decide(evidence(plan("ask_strategy", text)))
    assert outcome.decision.status == "not_found" and outcome.decision.passages == []
    assert outcome.evidence["method"] == method


@pytest.mark.parametrize(
    "text",
    [
        "用什么办法安抚客户",  # a question word after the cue
        "根据客户情绪需求怎么调整服务",  # the knowledge base says it
        "按照客户的意思办",  # people
        "用微信给老客户发祝福",  # one everyday word, no name
        "用小礼物给客人惊喜",  # words of ours
        "学华为那样做客户情绪管理",  # an entry of ours is named
        "老人不会用APP在柜台发火怎么办",  # someone's ability to use a tool
        "老人能用APP办业务吗",  # 能用: what someone can do, no method asked for
    ],
)
def test_our_words_people_and_everyday_things_pass(plan, evidence, text: str) -> None:
    outcome = RULE.decide(evidence(plan("ask_strategy", text)))
    assert not hasattr(outcome, "decision"), outcome.evidence


def test_a_message_naming_an_entry_is_left_to_its_rule(plan, evidence) -> None:
    outcome = RULE.decide(evidence(plan("ask_strategy", "用MBTI做客户情绪管理", topics=(CEM,))))
    assert outcome.reason == "names an entry: the named entry's rule weighs the rest"
