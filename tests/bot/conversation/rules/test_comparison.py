"""comparison: two named entries side by side, led by a passage of one that speaks of the other."""

from __future__ import annotations

from bot.conversation.planning import Context
from tests.bot.conversation.rules.conftest import ids, step

NEEDS = "customer-emotional-needs"
ECT = "expectation-confirmation-theory"
SET = "social-exchange-theory"


def test_a_passage_of_one_that_names_the_other_leads_the_definitions(chain) -> None:
    decision, trace = chain("ask_comparison", "期望确认理论跟客户情绪需求啥关系", topics=(ECT, NEEDS))
    assert decision.status == "compare"
    assert ids(decision) == [f"{NEEDS}#理论基础", f"{ECT}#定义", f"{NEEDS}#定义"]
    compared = step(trace, "comparison")
    assert compared.reason == "a passage of one named entry speaks of another"
    assert compared.evidence["link"] == f"{NEEDS}#理论基础"


def test_without_such_a_passage_the_definitions_side_by_side(chain) -> None:
    decision, trace = chain("ask_comparison", "期望确认理论和社会交换理论有啥区别", topics=(ECT, SET))
    assert ids(decision) == [f"{ECT}#定义", f"{SET}#定义"]
    assert step(trace, "comparison").reason == "compares the named entries"


def test_one_named_entry_is_no_comparison(chain) -> None:
    _, trace = chain("ask_comparison", "期望确认理论跟满意度啥关系", topics=(ECT,))
    assert step(trace, "comparison").outcome == "passed"


def test_an_entry_spoken_of_by_a_pronoun_is_the_conversations_topic(chain) -> None:
    """After 期望确认理论, 「它」 is that theory: the message compares it with the entry it names."""
    after = Context(topic=ECT, last_kind="定义", last_passages=[f"{ECT}#定义"])
    decision, trace = chain("ask_comparison", "它和客户情绪需求有什么关系", after, topics=(NEEDS,))
    assert decision.status == "compare"
    assert ids(decision) == [f"{NEEDS}#理论基础", f"{NEEDS}#定义", f"{ECT}#定义"]
    assert step(trace, "comparison").evidence["entries"] == [NEEDS, ECT]


def test_without_a_pronoun_one_named_entry_stays_one(chain) -> None:
    after = Context(topic=ECT, last_kind="定义", last_passages=[f"{ECT}#定义"])
    _, trace = chain("ask_comparison", "客户情绪需求跟满意度有什么关系", after, topics=(NEEDS,))
    assert step(trace, "comparison").outcome == "passed"
