"""The saved test cases' file: read with line numbers, written back as read, checked against the knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.knowledge.cases import (
    CASES_FILE,
    CaseChange,
    Expectation,
    TestCase,
    case_id,
    check_cases,
    domain_responses,
    load_cases,
    parse_cases,
    render_cases,
)
from bot.knowledge.entries import entry_files, load_knowledge
from bot.knowledge.lint import lint
from tests.conftest import KB, ROOT

CEM = "customer-emotion-management"
CASES = [
    TestCase.create("客户情绪管理有哪些策略", Expectation.answer(CEM, "实施策略"), note="dialogues.yml · 第 1 轮"),
    TestCase.create("举个例子", Expectation.answer(CEM, "应用：酒店"), earlier=["客户情绪管理有哪些策略", "a: b, [c]"]),
    TestCase.create("!!!???###", Expectation("response", response="utter_ask_rephrase")),
    TestCase.create("区块链在服务中怎么用", Expectation("not_found")),
    TestCase.create("情绪", Expectation("clarify")),
]


def without_lines(cases: list[TestCase]) -> list[TestCase]:
    return [TestCase(c.id, c.question, c.expect, c.earlier, c.note) for c in cases]


def test_the_file_reads_back_as_written() -> None:
    text = render_cases(CASES)
    assert text.startswith("# 保存的测试用例")
    cases, problems = parse_cases(text)
    assert problems == [] and without_lines(cases) == CASES
    assert [c.line for c in cases] == [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("  - id:")]
    assert render_cases(cases) == text


def test_a_case_id_is_its_conversation() -> None:
    assert case_id("举个例子", ["甲"]) == case_id("举个例子", ("甲",)) != case_id("举个例子")
    assert CASES[1].messages == ["客户情绪管理有哪些策略", "a: b, [c]", "举个例子"]
    assert Expectation.answer(CEM, "应用：银行").section == "应用 · 银行"  # as citations write it
    assert Expectation.answer(CEM, "定义").describe({CEM: "客户情绪管理"}) == "《客户情绪管理》· 定义"


def test_malformed_cases_are_reported_with_their_line() -> None:
    text = "cases:\n  - id: ok-1\n    question: 甲\n    expect: not_found\n  - id: Bad Id\n    question: 乙\n    expect: maybe\n"
    cases, problems = parse_cases(text)
    assert [c.id for c in cases] == ["ok-1"]
    assert [(p.line, p.message) for p in problems] == [
        (5, "test case #2: id 'Bad Id' must be lowercase letters, digits and hyphens")
    ]
    assert parse_cases("cases: [\n")[1][0].message.startswith("test cases are not valid YAML")
    assert parse_cases("- just a list\n")[1][0].message == "test cases: expected a 'cases:' list"
    unknown = parse_cases("cases:\n  - id: x\n    question: 甲\n    expect: clarify\n    answer: 乙\n")[1]
    assert unknown[0].message == "test case #1: unknown keys answer"
    assert parse_cases("") == ([], [])


def test_cases_are_checked_against_the_knowledge_base() -> None:
    kb = load_knowledge(KB)
    broken = [
        TestCase.create("甲", Expectation.answer("no-such-entry", "定义")),
        TestCase.create("乙", Expectation.answer(CEM, "没有这一节")),
        TestCase.create("丙", Expectation("response", response="utter_no_such_thing")),
        TestCase("c-dup", "丁", Expectation("not_found"), line=9),
        TestCase("c-dup", "戊", Expectation("not_found"), line=12),
        TestCase("c-other", "丁", Expectation("clarify"), line=15),
    ]
    problems = check_cases([*CASES, *broken], kb, domain_responses(ROOT / "domain.yml"))
    messages = [p.message for p in problems]
    assert messages[0] == f"test case {broken[0].id}: expected entry 'no-such-entry' does not exist"
    assert messages[1].startswith(f"test case {broken[1].id}: entry '{CEM}' has no section '没有这一节' (sections: ")
    assert messages[2] == f"test case {broken[2].id}: domain.yml has no response 'utter_no_such_thing'"
    assert "test case c-dup: duplicate id (also on line 9)" in messages
    assert "test case c-other: the same conversation is saved as c-dup" in messages
    assert len(problems) == 5


def test_kb_lint_checks_the_file_and_the_loader_ignores_it(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB, knowledge)
    (knowledge / CASES_FILE).write_text(
        render_cases([*CASES, TestCase.create("甲", Expectation.answer(CEM, "没有这一节"))]), encoding="utf-8"
    )
    problems = [p for p in lint(knowledge, ROOT / "domain.yml") if p.path == Path(CASES_FILE)]
    assert len(problems) == 1 and "has no section '没有这一节'" in problems[0].message
    assert not any(p.name == CASES_FILE for p in entry_files(knowledge))
    fixed = render_cases(CASES)
    assert not [p for p in lint(knowledge, ROOT / "domain.yml", {CASES_FILE: fixed}) if p.path == Path(CASES_FILE)]


def test_a_change_adds_replaces_and_removes() -> None:
    again = TestCase.create(CASES[0].question, Expectation.answer(CEM, "定义"))
    new = TestCase.create("新问题", Expectation("not_found"))
    after = CaseChange(add=[again, new], remove={CASES[3].id}).apply(CASES)
    assert [c.id for c in after] == [CASES[0].id, CASES[1].id, CASES[2].id, CASES[4].id, new.id]
    assert after[0].expect.section == "定义"  # replaced in place


def test_the_projects_cases_load_without_problems() -> None:
    cases, problems = load_cases(ROOT / "knowledge" / CASES_FILE)
    assert problems == [] and len(cases) >= 50
    assert check_cases(cases, load_knowledge(ROOT / "knowledge"), domain_responses(ROOT / "domain.yml")) == []
