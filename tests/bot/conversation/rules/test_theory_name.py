"""theory_we_lack: a theory or model named whole that the knowledge base never says is not found."""

from __future__ import annotations

import pytest

from bot.conversation.rules.theory_name import _piece_of_a_word
from tests.bot.conversation.rules.conftest import step

REASON = "names a theory or model the knowledge base never says"


@pytest.mark.parametrize(
    "text",
    [
        "社会比较理论是什么",
        "4P理论讲的啥",
        "那社会比较理论呢",
        "前景理论是什么",
        "X理论",
        "x理论和y理论有啥不同",
        "自我决定理论",  # 自我 is the noun "self", not a pronoun that ends the name
    ],
)
def test_a_theory_we_lack_is_not_found(chain, text: str) -> None:
    """社会交换理论 shares 社会 and 理论 with 社会比较理论, but answers another question."""
    decision, trace = chain("ask_definition", text)
    assert decision.status == "not_found" and trace.decided_by == "theory_we_lack"
    assert step(trace, "theory_we_lack").reason == REASON


@pytest.mark.parametrize(
    "text",
    [
        "首因效应是什么",
        "大堂接待怎么利用首因效应给客人留下好印象",
        "戴明循环怎么用在投诉处理里",
        "同理心地图怎么画",
        "晕轮效应会影响顾客打分吗",  # jieba cuts 晕轮 into 晕 v + 轮 q: pieces of a name, no boundary
        "客户情绪管理地图怎么画",  # a name of ours before a trainers' ending: another thing
    ],
)
def test_a_name_ending_as_the_trainers_list_says_is_said_whole_or_not_found(chain, text: str) -> None:
    """routing.yml's name endings (效应, 循环, 地图) mark names as our theories' heads do: 客户 and
    印象 are ours, 首因效应 is not, and no passage about 客户 answers for it."""
    decision, trace = chain("ask_strategy", text)
    assert decision.status == "not_found" and trace.decided_by == "theory_we_lack"


@pytest.mark.parametrize(
    "text",
    [
        "社会交换理论是什么",  # ours
        "期望确认理论和社会交换理论有啥区别",  # two of ours
        "讲讲理论",  # no name
        "KANO模型有什么用",  # ours, in letters
        "这背后有什么理论",  # a pronoun ends the run
        "客户情绪管理的理论基础",  # a kind of section
        "情感营销有什么理论",  # a cue word before the head is no part of a name
    ],
)
def test_our_theories_and_questions_about_theory_are_left_to_the_other_rules(chain, text: str) -> None:
    decision, trace = chain("ask_theory", text)
    assert step(trace, "theory_we_lack").reason == "names no theory or model we lack"


@pytest.mark.parametrize(
    ("tagged", "piece"),
    [
        ([("晕", "v"), ("轮", "q"), ("效应", "n")], True),
        ([("三", "m"), ("种", "q"), ("效应", "n")], False),  # a count
        ([("这", "r"), ("种", "q"), ("效应", "n")], False),  # a pointer
        ([("轮", "q"), ("效应", "n")], False),  # nothing before it
    ],
)
def test_a_measure_word_after_a_single_character_is_a_piece_of_a_word(tagged, piece: bool) -> None:
    assert _piece_of_a_word(tagged, 1 if len(tagged) == 3 else 0) is piece
