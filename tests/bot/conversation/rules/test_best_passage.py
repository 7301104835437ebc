"""best_passage: the best passage, the section of the kind asked; a message that shares no word
with the answer's entry and speaks of no one is no service situation."""

from __future__ import annotations

from bot.conversation.planning import Request
from bot.conversation.rules.base import Decided
from bot.conversation.rules.best_passage import BestPassage
from tests.bot.conversation.rules.conftest import ids, step

RULE = BestPassage()


def situation(text: str) -> Request:
    return Request(text, "ask_strategy", ["实施策略"], [], None)


def test_no_word_in_the_answers_entry_and_nobody_in_the_message_is_not_found(evidence) -> None:
    outcome = RULE.decide(evidence(situation("门店的POS机刷不了卡显示网络错误怎么办")))
    assert isinstance(outcome, Decided) and outcome.decision.status == "not_found"
    assert outcome.evidence["covered"] == 0 and "pos" in outcome.evidence["words"]
    assert outcome.reason == "none of the message's words is in the answer's entry, and it speaks of no one"


def test_a_situation_of_someone_staff_serve_is_answered_in_everyday_words(evidence) -> None:
    for text in (
        "顾客的POS机刷不了卡显示网络错误怎么办",
        "熟客的POS机刷不了卡显示网络错误怎么办",
        "他的POS机刷不了卡显示网络错误怎么办",
    ):
        outcome = RULE.decide(evidence(situation(text)))
        assert isinstance(outcome, Decided) and outcome.decision.status == "answer", text


def test_asking_what_a_name_we_lack_is_is_not_found(evidence) -> None:
    """调节 is a word of ours; the name the message asks about is not."""
    request = Request("customer effort score 的调节又怎么理解", "ask_definition", ["定义"], [], None)
    outcome = RULE.decide(evidence(request, min_confidence=0.0))
    assert isinstance(outcome, Decided) and outcome.decision.status == "not_found"
    assert outcome.reason == "asks what a name we lack is, and the answer's entry never says it"
    assert outcome.evidence["unknown_name"] == "customereffortscore"


def test_a_name_we_lack_in_a_question_of_another_kind_is_left_to_the_passage(evidence) -> None:
    request = Request("customer effort score 高的客户怎么安抚情绪", "ask_strategy", ["实施策略"], [], None)
    outcome = RULE.decide(evidence(request, min_confidence=0.0))
    assert outcome.reason != "asks what a name we lack is, and the answer's entry never says it"


def test_the_section_that_says_the_messages_words_beats_the_kind_asked(chain) -> None:
    """有用吗 asks for 重要性, whose section never says what the message is about; the bank's does."""
    decision, trace = chain("ask_importance", "柜员先致歉再说明办理进度有用吗")
    assert ids(decision) == ["customer-emotion-management#应用 · 银行"]
    assert (
        step(trace, "best_passage").reason
        == "the best entry's section that says the message's words, the kind's says none"
    )


def test_a_situation_gets_the_steps_though_another_section_says_its_words(chain) -> None:
    decision, trace = chain("ask_strategy", "柜员先致歉再说明办理进度怎么办")
    assert ids(decision) == ["customer-emotion-management#实施策略"]
    assert step(trace, "best_passage").reason == "the best entry's section of the kind asked"


def test_a_kind_the_message_turns_away_is_no_candidate(chain) -> None:
    """别讲理论了: the theories rank first for 理论, but the message turns them away, and its
    word 理论 is no evidence for any passage."""
    decision, trace = chain("correct", "别讲理论了 平时员工能做点啥")
    assert decision.passages and all(p.kind != "理论基础" for p in decision.passages)
    assert "理论" not in step(trace, "best_passage").evidence["words"]
