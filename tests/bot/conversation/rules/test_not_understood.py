"""not_understood: a message the classifier could not place is read against the conversation, or,
with nothing before it, gets a request to rephrase."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.conversation.rules.not_understood import NotUnderstood
from tests.bot.conversation.rules.conftest import CEM, DEFINED, verdicts


def test_with_nothing_before_it_the_assistant_asks_to_rephrase(plan, evidence) -> None:
    outcome = NotUnderstood().decide(evidence(plan("nlu_fallback", "这种累到底从哪来的")))
    assert outcome.decision.status == "not_understood"


@pytest.mark.parametrize("text", ["关键时刻MOT", "服务蓝图"])
def test_with_nothing_before_it_a_term_we_never_mention_is_not_found(plan, evidence, chain, text: str) -> None:
    """Asking to rephrase would send the user after an answer the knowledge base does not have."""
    outcome = NotUnderstood().decide(evidence(plan("nlu_fallback", text)))
    assert outcome.reason == "it names something the knowledge base never mentions"
    decision, trace = chain("nlu_fallback", text)
    assert decision.status == "not_found" and ("absent_subject", "decided") in verdicts(trace)


def test_with_nothing_before_it_latin_letters_alone_are_not_understood(plan, evidence) -> None:
    """ "asdfghjkl" may be a slip of the keyboard as well as a name."""
    outcome = NotUnderstood().decide(evidence(plan("nlu_fallback", "asdfghjkl")))
    assert outcome.decision.status == "not_understood"


def test_after_an_answer_it_is_read_as_a_follow_up(chain) -> None:
    decision, trace = chain("nlu_fallback", "那平时具体怎么做呢", DEFINED)
    assert ("not_understood", "passed") in verdicts(trace)
    assert decision.status == "answer" and decision.passage.entry_id == CEM


def test_a_verb_we_never_use_beside_the_conversations_own_nouns_is_a_follow_up(chain) -> None:
    """减轻 is no word of the knowledge base; 客户 and 情绪 are both in the entry just answered's name."""
    decision, trace = chain("nlu_fallback", "那怎么减轻客户的这种情绪", DEFINED)
    assert ("not_understood", "passed") in verdicts(trace)
    assert decision.status == "answer" and decision.passage.entry_id == CEM


def test_a_placed_message_passes(plan, evidence) -> None:
    outcome = NotUnderstood().decide(evidence(plan("ask_definition", "什么是客户情绪管理")))
    assert outcome.reason == "the classifier placed it"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("认知失调", "read against the conversation, it asks nothing"),
        ("这个月有什么满减活动", "read against the conversation, it is about something else"),
        ("押金几天到账呢", "read against the conversation, it is about something else"),
    ],
)
def test_after_an_answer_a_bare_phrase_or_another_subject_is_still_not_understood(
    plan, evidence, text: str, reason: str
) -> None:
    request = plan("nlu_fallback", text, DEFINED)
    assert (request.intent, request.overruled, request.continued) == ("inform", "nlu_fallback", True)
    outcome = NotUnderstood().decide(evidence(request))
    assert outcome.decision.status == "not_understood" and outcome.reason == reason


def test_a_message_the_intent_guard_placed_is_no_fallback(plan, evidence) -> None:
    """The guard gives a bare name the classifier could not place its definition intent."""
    request = replace(plan("ask_definition", "客户情绪管理", DEFINED), overruled="nlu_fallback")
    assert NotUnderstood().decide(evidence(request)).reason == "the classifier placed it"
