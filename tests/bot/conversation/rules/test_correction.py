"""correction: "不是问这个…", "别讲理论了", "换成酒店的呢" redirect the last question; no rating.

The rule alone (on requests built by hand) and in the chain (on planned turns)."""

from __future__ import annotations

import pytest

from bot.conversation.planning import Request
from bot.conversation.rules.base import Decided, Passed
from bot.conversation.rules.correction import Correction
from tests.bot.conversation.rules.conftest import (
    AFTER_CASE,
    CEM,
    DEFINED,
    HOTEL,
    HUAWEI,
    NEEDS,
    THEORIES,
    ids,
    step,
    verdicts,
)

RULE = Correction()


def correction(text: str, kinds: list[str], context: list[str], industry: str | None = None, **kw) -> Request:
    kw.setdefault("industry_said", industry is not None)  # by hand: the message names it
    return Request(text, "correct", kinds, [], industry, context=context, **kw)


# --- the rule on its own -----------------------------------------------------------------------


def test_another_kind_of_section_of_the_same_subject(evidence) -> None:
    ev = evidence(correction("不是问这个 我想知道具体该怎么做", ["实施策略"], [CEM], exclude=[f"{CEM}#定义"]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided)
    assert ids(outcome.decision) == [f"{CEM}#实施策略"]
    assert outcome.reason == "another kind of section of the same subject"
    assert outcome.evidence == {"entry": CEM, "kind": "实施策略", "turned_away": []}


def test_the_first_kind_the_context_has(evidence) -> None:
    ev = evidence(correction("我要的是分类不是定义", ["案例", "分类"], [CEM], negated=["定义"]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided) and ids(outcome.decision) == [f"{CEM}#分类"]
    assert outcome.evidence["turned_away"] == ["定义"]


def test_a_kind_the_context_lacks_is_left_to_the_follow_up(evidence) -> None:
    outcome = RULE.decide(evidence(correction("我要的是案例", ["案例"], [CEM])))
    assert isinstance(outcome, Passed) and outcome.reason == "the context lacks the kind asked"


def test_a_section_already_shown_is_not_given_again(evidence) -> None:
    ev = evidence(correction("不对", ["定义"], [CEM], exclude=[f"{CEM}#定义"]))
    assert isinstance(RULE.decide(ev), Passed)


def test_a_case_of_the_industry_asked_after_a_case(evidence) -> None:
    ev = evidence(correction("换成酒店的呢", ["定义"], [HUAWEI, CEM], "酒店", shown=[f"{HUAWEI}#背景"]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided)
    assert ids(outcome.decision) == [f"{HOTEL}#背景"]  # the case's beginning
    assert (outcome.reason, outcome.evidence) == ("a case of the industry asked instead", {"industry": "酒店"})


def test_the_conversations_industry_asks_for_no_other_case(evidence) -> None:
    """After a hotel case, "不是这个 我想要的是理论依据" carries 酒店 but asks a kind, not a case."""
    request = correction(
        "不是这个 我想要的是理论依据", ["理论基础"], [HOTEL, CEM], "酒店", shown=[f"{HOTEL}#背景"], industry_said=False
    )
    outcome = RULE.decide(evidence(request))
    assert outcome.reason != "a case of the industry asked instead"


def test_an_inform_with_an_industry_after_a_case_is_a_switch_too(evidence) -> None:
    request = Request("换成酒店的呢", "inform", ["应用", "案例"], [], "酒店", context=[HUAWEI, CEM])
    outcome = RULE.decide(evidence(request))
    assert isinstance(outcome, Decided) and ids(outcome.decision) == [f"{HOTEL}#背景"]


def test_the_industry_of_the_case_itself_switches_nothing(evidence) -> None:
    """ "给我们酒店什么启发" after a hotel case asks that case's lesson, not another hotel case."""
    request = Request("给我们酒店什么启发", "inform", ["总结"], [], "酒店", context=[HOTEL, CEM], industry_said=True)
    outcome = RULE.decide(evidence(request))
    assert isinstance(outcome, Passed) and outcome.reason == "not a correction"


def test_a_part_of_the_case_asked_for_our_industry_switches_nothing(evidence) -> None:
    """ "它的效果对我们酒店有啥用" after a cloud-service case asks that case's outcome, not a hotel case."""
    request = Request(
        "它的效果对我们酒店有啥用", "inform", ["重要性"], [], "酒店", context=[HUAWEI, CEM], industry_said=True
    )
    outcome = RULE.decide(evidence(request))
    assert isinstance(outcome, Passed) and outcome.reason == "not a correction"


def test_a_case_already_shown_is_not_the_switch(evidence) -> None:
    ev = evidence(correction("换成酒店的呢", ["案例"], [HOTEL], "酒店", shown=[f"{HOTEL}#背景"]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Passed) and outcome.reason == "no case of that industry"


def test_an_industry_without_cases(evidence) -> None:
    outcome = RULE.decide(evidence(correction("换成医院的呢", ["定义"], [HUAWEI], "医疗")))
    assert isinstance(outcome, Passed) and outcome.evidence == {"industry": "医疗"}


def test_the_same_kind_in_the_industry_asked(evidence) -> None:
    ev = evidence(correction("换成银行的呢", ["应用"], [CEM], "银行", shown=[f"{CEM}#应用 · 酒店"]))
    outcome = RULE.decide(ev)
    assert isinstance(outcome, Decided)
    assert ids(outcome.decision) == [f"{CEM}#应用 · 银行"]
    assert outcome.reason == "the same kind in the industry asked"


def test_without_a_kind_the_industry_asks_for_the_application(evidence) -> None:
    outcome = RULE.decide(evidence(correction("换成酒店的", [], [CEM], "酒店")))
    assert isinstance(outcome, Decided) and ids(outcome.decision) == [f"{CEM}#应用 · 酒店"]


def test_an_industry_the_context_has_nothing_for(evidence) -> None:
    outcome = RULE.decide(evidence(correction("换成医院的呢", ["应用"], [CEM], "医疗")))
    assert isinstance(outcome, Passed) and outcome.reason == "the context has nothing for that industry"


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (Request("什么是客户情绪管理", "ask_definition", ["定义"], [], None, context=[CEM]), "not a correction"),
        (
            Request("换成酒店的呢", "inform", ["应用"], [], "酒店", context=[CEM]),
            "not a correction",
        ),  # not after a case
        (Request("不对，我说的是期望确认理论", "correct", ["定义"], ["x"], None, context=[CEM]), "names an entry"),
        (Request("不是这个", "correct", ["定义"], [], None), "nothing to correct"),
        (Request("不是这个", "correct", ["定义"], [], None, context=["gone-entry"]), "nothing to correct"),
    ],
)
def test_what_is_no_correction_to_make(evidence, request_: Request, reason: str) -> None:
    outcome = RULE.decide(evidence(request_))
    assert isinstance(outcome, Passed) and outcome.reason.startswith(reason)


def test_passing_makes_no_search(evidence) -> None:
    ev = evidence(Request("什么是客户情绪管理", "ask_definition", ["定义"], [], None, context=[CEM]))
    RULE.decide(ev)
    assert "result" not in ev.__dict__


# --- in the chain: the issue's class 4 ---------------------------------------------------------


def test_corrections_are_planned_as_follow_ups_that_turn_kinds_away(plan) -> None:
    request = plan("correct", "别讲理论了", THEORIES)
    assert (request.negated, request.kinds) == (["理论基础"], [])  # the last kind is not carried over
    assert request.exclude == [f"{NEEDS}#理论基础"]  # nor the last answer repeated
    request = plan("correct", "我要的是案例不是定义", DEFINED)
    assert (request.negated, request.kinds) == (["定义"], ["案例"])
    request = plan("correct", "不要定义，要例子", DEFINED)
    assert (request.negated, request.kinds) == (["定义"], ["案例"])


def test_not_that_tell_me_what_to_do(chain) -> None:
    decision, trace = chain("correct", "不用讲原因 直接告诉我现场怎么处理", DEFINED)
    assert ids(decision) == [f"{CEM}#实施策略"]
    assert trace.decided_by == "correction"
    assert step(trace, "correction").evidence == {"entry": CEM, "kind": "实施策略", "turned_away": []}
    assert verdicts(trace)[:8] == [
        ("not_understood", "passed"),
        ("list_item", "passed"),
        ("comparison", "passed"),
        ("theory_we_lack", "passed"),
        ("absent_subject", "passed"),
        ("absent_concept", "passed"),
        ("method_we_lack", "passed"),
        ("correction", "decided"),
    ]


def test_no_more_theory_gives_another_section_of_the_same_entry(chain) -> None:
    decision, trace = chain("correct", "别讲理论了", THEORIES, context_margin=10.0)
    assert decision.status == "answer"
    assert decision.passage.entry_id == NEEDS and decision.passage.kind != "理论基础"
    assert step(trace, "correction").outcome == "passed"
    assert trace.decided_by == "follow_up"


@pytest.mark.parametrize("text", ["我要的是案例不是定义", "不要定义，要例子"])
def test_the_case_asked_instead_of_the_definition(chain, text: str) -> None:
    decision, trace = chain("correct", text, DEFINED, context_margin=10.0)
    assert decision.passage.entry_type == "case"
    assert decision.passage.entry_id in {HUAWEI, HOTEL}  # the cases 客户情绪管理 links to


def test_a_correction_naming_an_entry_is_answered_as_asked(chain) -> None:
    decision, trace = chain("correct", "不对，我说的是期望确认理论", DEFINED)
    assert ids(decision) == ["expectation-confirmation-theory#定义"]
    assert step(trace, "correction").reason.startswith("names an entry")
    assert trace.decided_by == "named_entry"


def test_that_industry_after_a_case_gets_that_industrys_case(chain) -> None:
    decision, trace = chain("inform", "那酒店呢", AFTER_CASE, industries=("酒店",))
    assert ids(decision) == [f"{HOTEL}#背景"]
    assert trace.decided_by == "correction"


@pytest.mark.parametrize(
    ("intent", "text", "ctx", "industries", "entry"),
    [
        ("correct", "换成酒店的呢", AFTER_CASE, ("酒店",), HOTEL),
        ("inform", "换成酒店的呢", AFTER_CASE, ("酒店",), HOTEL),
        ("correct", "不是问这个 我是想知道具体该怎么做", DEFINED, (), CEM),
    ],
)
def test_the_issues_corrections_are_not_refused(chain, intent, text, ctx, industries, entry) -> None:
    decision, trace = chain(intent, text, ctx, industries=industries, context_margin=10.0)
    assert decision.status == "answer" and decision.passage.entry_id == entry
    assert step(trace, "absent_subject").outcome == "passed"


def test_a_kind_a_case_lacks_comes_from_the_concept_it_illustrates(evidence) -> None:
    request = correction("不是这个 我要的是具体分类", ["分类"], [HUAWEI], shown=[f"{HUAWEI}#背景"])
    outcome = RULE.decide(evidence(request))
    assert isinstance(outcome, Decided)
    assert ids(outcome.decision) == [f"{CEM}#分类"]
    assert outcome.reason == "the kind asked, from the concept the case illustrates"
