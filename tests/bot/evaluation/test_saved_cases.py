"""Saved test cases replayed on the fixture knowledge base with a table NLU: passing and failing,
shared earlier turns replayed once, the NLU asked once per text, and two runs compared."""

from __future__ import annotations

import pytest

from bot.conversation.assistant import KnowledgeAssistant
from bot.conversation.replay import Parse, Replayer, Responses, RuleBook
from bot.evaluation.case_import import cases_from_dialogues
from bot.evaluation.dialogues import Dialogue, Turn
from bot.evaluation.saved_cases import CachedNlu, CaseResult, CaseRunner, Observed, compare, meets, observe
from bot.knowledge.cases import Expectation, TestCase
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import ROOT, CharEncoder

CEM = "customer-emotion-management"
STRATEGY = "客户情绪管理有哪些策略"


class TableNlu:
    def __init__(self) -> None:
        self.table = {
            "你好": Parse("greet", 0.99),
            STRATEGY: Parse("ask_strategy", 0.9, [{"entity": "topic", "value": CEM}]),
        }
        self.asked: list[str] = []

    def parse(self, text: str) -> Parse:
        self.asked.append(text)
        return self.table.get(text, Parse("ask_definition", 0.5))


@pytest.fixture
def nlu() -> TableNlu:
    return TableNlu()


@pytest.fixture
def replayer(kb_settings: Settings, nlu: TableNlu) -> Replayer:
    assistant = KnowledgeAssistant(Retriever(IndexHolder(kb_settings.index_dir), CharEncoder()), kb_settings)
    return Replayer(assistant, nlu, Responses.load(ROOT / "domain.yml"), RuleBook.load(ROOT / "data" / "rules"))


def test_a_case_passes_when_the_reply_is_what_it_expects(replayer: Replayer) -> None:
    cases = [
        TestCase.create(STRATEGY, Expectation.answer(CEM, "实施策略")),
        TestCase.create(STRATEGY, Expectation.answer(CEM, "定义"), earlier=["你好"]),
        TestCase.create("你好", Expectation("response", response="utter_greet")),
        TestCase.create("你好", Expectation("not_found"), earlier=["你好"]),
        TestCase.create("!!!???", Expectation("response", response="utter_ask_rephrase")),
    ]
    results = CaseRunner(replayer).run(cases)
    assert [r.passed for r in results] == [True, False, True, False, True]
    answered = results[0].observed
    assert (answered.kind, answered.passage) == ("answer", f"{CEM}#实施策略")
    assert "来源：《客户情绪管理》· 实施策略" in answered.text
    assert answered.trace.startswith(f"question: {STRATEGY}")  # Trace.to_text, for kb test's failures
    assert results[2].observed == Observed("response", responses=("utter_greet",), text=results[2].observed.text)
    assert results[0].turn is not None and results[0].turn.reply is not None


def test_earlier_turns_shared_by_cases_are_replayed_once(replayer: Replayer, nlu: TableNlu) -> None:
    cases = [
        TestCase.create("你好", Expectation("response", response="utter_greet")),
        TestCase.create(STRATEGY, Expectation.answer(CEM, "实施策略"), earlier=["你好"]),
        TestCase.create("举个例子", Expectation("clarify"), earlier=["你好", STRATEGY]),
    ]
    CaseRunner(replayer).run(cases)
    assert nlu.asked == ["你好", STRATEGY, "举个例子"]


def test_the_nlu_is_asked_once_per_text(nlu: TableNlu) -> None:
    cached = CachedNlu(nlu, size=2)
    assert cached.parse("你好") == cached.parse("你好") == Parse("greet", 0.99)
    cached.parse("甲")
    cached.parse("乙")  # the least recently used reading ("你好") is dropped
    cached.parse("你好")
    assert nlu.asked == ["你好", "甲", "乙", "你好"]
    cached.clear()
    cached.parse("乙")
    assert nlu.asked[-1] == "乙"


def _result(case: TestCase, kind: str, passage: str = "", text: str = "") -> CaseResult:
    return CaseResult(case, Observed(kind, passage, text=text or passage))  # type: ignore[arg-type]


def test_two_runs_are_compared_case_by_case() -> None:
    expect = Expectation.answer(CEM, "定义")
    case = {name: TestCase.create(name, expect) for name in ("broken", "fixed", "changed", "failing", "same", "new")}
    gone = TestCase.create("gone", expect)
    good, bad = f"{CEM}#定义", f"{CEM}#分类"
    before = [
        _result(case["broken"], "answer", good),
        _result(case["fixed"], "not_found"),
        _result(case["changed"], "answer", good, "旧的回答"),
        _result(case["failing"], "answer", bad),
        _result(case["same"], "answer", good),
    ]
    after = [
        _result(case["broken"], "not_found"),
        _result(case["fixed"], "answer", good),
        _result(case["changed"], "answer", good, "新的回答"),
        _result(case["failing"], "clarify"),
        _result(case["same"], "answer", good),
        _result(case["new"], "answer", good),
    ]
    report = compare(before, after, removed=[gone])
    assert [(c.case.question, c.kind) for c in report.changes] == [
        ("broken", "broken"),
        ("fixed", "fixed"),
        ("changed", "changed"),
        ("failing", "failing"),
        ("same", "same"),
        ("new", "fixed"),  # a new case that passes: the change fixes its question
        ("gone", "removed"),
    ]
    assert (report.total, report.passed_before, report.passed_after) == (6, 3, 4)
    assert [c.case.question for c in report.broken] == ["broken"]


def test_expectations_are_met_by_kind() -> None:
    answer = Observed("answer", f"{CEM}#定义")
    assert meets(Expectation.answer(CEM, "定义"), answer) and not meets(Expectation.answer(CEM, "分类"), answer)
    assert meets(Expectation("not_found"), Observed("not_found")) and not meets(Expectation("clarify"), answer)
    greet = Observed("response", responses=("utter_greet", "utter_more"))
    assert meets(Expectation("response", response="utter_more"), greet)
    assert answer.expectation == Expectation.answer(CEM, "定义") and Observed("unavailable").expectation is None
    assert greet.expectation == Expectation("response", response="utter_greet")


def test_dialogue_turns_that_pass_their_checks_become_cases(replayer: Replayer) -> None:
    dialogue = Dialogue(
        "strategy after a greeting",
        (
            Turn("你好", expect_any=("您好", "你好")),
            Turn(STRATEGY, expect=("实施策略",)),
            Turn("这句不会答对", expect=("不可能出现的词",)),
        ),
    )
    cases, counts = cases_from_dialogues(replayer, [dialogue], source="dev.yml")
    assert (counts.turns, counts.kept, counts.failed_checks) == (3, 2, 1)
    assert counts.left_out[0].startswith("strategy after a greeting · 第 3 轮（这句不会答对）: missing 不可能出现的词")
    assert cases[0].expect == Expectation("response", response="utter_greet") and cases[0].earlier == ()
    assert cases[1].expect == Expectation.answer(CEM, "实施策略") and cases[1].earlier == ("你好",)
    assert cases[1].note == "dev.yml · strategy after a greeting · 第 2 轮"
    assert all(r.passed for r in CaseRunner(replayer).run(cases))  # a converted case passes where it was made


def test_observe_reads_rule_replies_and_answers(replayer: Replayer) -> None:
    [greet, answer] = replayer.run(["你好", STRATEGY])
    assert observe(greet).kind == "response" and "您好" in observe(greet).text
    assert observe(answer).passage == f"{CEM}#实施策略"
