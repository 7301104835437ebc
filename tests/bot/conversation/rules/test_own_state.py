"""own_state: staff telling of their own state get the best passage about staff near the top,
not the customer steps ranked above it."""

from __future__ import annotations

from bot.conversation.planning import Request
from bot.conversation.rules.base import Decided, Passed
from bot.conversation.rules.own_state import OwnState

RULE = OwnState()
#: Wide enough for the fixture knowledge base's passages about staff (CharEncoder scores).
WIDE = 1.0


def statement(text: str, own_state: bool = True) -> Request:
    return Request(text, "ask_strategy", [], [], None, own_state=own_state)


def about_staff(ev) -> list[int]:
    """Ranks (from 1) of the passages about staff, by the routing's own words for people."""
    return [rank for rank, h in enumerate(ev.hits, 1) if ev.index.routing.speaks_of_staff(h.passage.text)]


def test_the_best_passage_about_staff_answers_though_others_rank_above_it(evidence) -> None:
    ev = evidence(statement("天天管理客户的情绪 我好累"), own_state_margin=WIDE)
    first = about_staff(ev)[0]
    assert first > 1  # passages on the customers' emotions rank first
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided) and outcome.decision.passages == [ev.hits[first - 1].passage]
    assert outcome.evidence["rank"] == first and outcome.reason == "the best passage about staff"


def test_a_passage_about_staff_further_behind_than_the_margin_is_left_to_the_next_rules(evidence) -> None:
    ev = evidence(statement("天天管理客户的情绪 我好累"), own_state_margin=WIDE)
    gap = ev.hits[0].score - ev.hits[about_staff(ev)[0] - 1].score
    outcome = RULE.decide(evidence(statement("天天管理客户的情绪 我好累"), own_state_margin=gap * 0.99))
    assert isinstance(outcome, Passed) and outcome.reason == "no passage about staff near the best"


def test_a_customers_situation_is_left_to_the_next_rules(evidence) -> None:
    outcome = RULE.decide(evidence(statement("天天管理客户的情绪 我好累", own_state=False), own_state_margin=WIDE))
    assert isinstance(outcome, Passed) and outcome.reason == "not staff telling of their own state"


def test_a_message_unrelated_to_the_passage_that_speaks_of_no_one_passes(evidence) -> None:
    """ "我今天好困": about the asker, but nothing the knowledge base speaks of."""
    outcome = RULE.decide(evidence(statement("我今天好困"), own_state_margin=WIDE))
    assert isinstance(outcome, Passed)
    assert outcome.reason == "none of the message's words is in the passage's entry, and it speaks of no one"


def test_a_kind_turned_away_is_no_candidate(evidence) -> None:
    """ "别讲做法了": the passage about staff is of the kind the message turns away."""
    ev = evidence(statement("天天管理客户的情绪 我好累"), own_state_margin=WIDE)
    turned_away = ev.hits[about_staff(ev)[0] - 1].passage.kind
    request = statement("天天管理客户的情绪 我好累")
    request.negated = [turned_away]
    outcome = RULE.decide(evidence(request, own_state_margin=WIDE))
    assert not (isinstance(outcome, Decided) and outcome.decision.passages[0].kind == turned_away)
