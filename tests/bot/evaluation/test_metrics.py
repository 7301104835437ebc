import json
import re
from pathlib import Path

import pytest

from bot.evaluation.metrics import EvalQuestion, RetrievalEvaluator, load_questions
from bot.knowledge.entries import Passage


def passage(title: str, section: str, text: str) -> Passage:
    return Passage(
        entry_id="x",
        title=title,
        entry_type="concept",
        section=section,
        kind="定义",
        text=text,
        industries=(),
        related=(),
        aliases=(),
        source="x.md",
        line=1,
    )


SERVQUAL = passage("服务质量模型（SERVQUAL）", "构成要素", "五个维度：有形性、可靠性、响应性、保证性和移情性。")
EMPATHY = passage("移情服务", "应用 · 医疗", "医护人员理解患者的焦虑与不安。")
FILLER = passage("客户情绪管理", "总结", "客户情绪管理已是现代企业不能缺少的一环。")


@pytest.mark.parametrize(
    ("gold", "relevant"),
    [
        ([["SERVQUAL", "可靠性"]], True),
        ([["servqual", "可靠性"]], True),  # case-insensitive
        ([["服务质量模型", "构成要素"]], True),  # title and section count
        ([["SERVQUAL", "同理心"]], False),  # every term of an alternative is needed
        ([["SERVQUAL", "同理心"], ["响应性"]], True),  # one alternative suffices
        ([], False),
    ],
)
def test_is_relevant(gold: list[list[str]], relevant: bool) -> None:
    assert EvalQuestion("SERVQUAL有哪几个维度", gold).is_relevant(SERVQUAL) is relevant


def test_is_relevant_with_section_only_term() -> None:
    question = EvalQuestion("移情服务在医院怎么用", [["移情服务", "医疗"]])
    assert question.is_relevant(EMPATHY)  # "医疗" is only in the section heading
    assert not question.is_relevant(FILLER)


def test_a_heading_as_written_in_the_entry_file_matches_its_citation_form() -> None:
    """Gold written from a file's heading (应用：医疗) names the passage cited as 应用 · 医疗."""
    assert EvalQuestion("移情服务在医院怎么用", [["移情服务", "应用：医疗"]]).is_relevant(EMPATHY)
    assert not EvalQuestion("移情服务在医院怎么用", [["移情服务", "应用：零售"]]).is_relevant(EMPATHY)


def ranked(first_relevant: int | None, length: int = 10) -> list[Passage]:
    """A result list whose first relevant passage is at rank `first_relevant` (1-based), or none."""
    results = [FILLER] * length
    if first_relevant is not None:
        results[first_relevant - 1] = SERVQUAL
    return results


def fake_search(ranks: dict[str, int | None]):
    return lambda question: ranked(ranks[question])


def test_metrics_on_known_ranks() -> None:
    ranks = {"q1": 1, "q2": 2, "q3": None, "q4": 4}
    questions = [EvalQuestion(q, [["SERVQUAL", "可靠性"]]) for q in ranks]
    evaluator = RetrievalEvaluator(questions)
    assert evaluator.first_relevant_ranks(fake_search(ranks)) == [1, 2, None, 4]
    metrics = evaluator.evaluate(fake_search(ranks))
    assert metrics == {"R@1": 0.25, "R@3": 0.5, "R@5": 0.75, "MRR": pytest.approx((1 + 0.5 + 0.25) / 4), "n": 4}


def test_only_the_first_relevant_passage_counts() -> None:
    question = EvalQuestion("q", [["SERVQUAL"]])
    results = [FILLER, SERVQUAL, SERVQUAL, FILLER]
    assert RetrievalEvaluator([question]).evaluate(lambda q: results)["MRR"] == 0.5


def test_mrr_is_cut_at_ten() -> None:
    ranks = {"q1": 10, "q2": 11}
    questions = [EvalQuestion(q, [["SERVQUAL"]]) for q in ranks]
    evaluator = RetrievalEvaluator(questions)
    search = lambda q: ranked(ranks[q], length=12)  # noqa: E731
    assert evaluator.first_relevant_ranks(search) == [10, None]
    assert evaluator.evaluate(search)["MRR"] == pytest.approx(0.1 / 2)


def test_search_returning_nothing() -> None:
    metrics = RetrievalEvaluator([EvalQuestion("q", [["SERVQUAL"]])]).evaluate(lambda q: [])
    assert metrics == {"R@1": 0.0, "R@3": 0.0, "R@5": 0.0, "MRR": 0.0, "n": 1}


def test_evaluator_rejects_an_empty_question_list() -> None:
    with pytest.raises(ValueError, match="no questions"):
        RetrievalEvaluator([])


def test_load_questions(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    lines = [
        {"question": "什么是情感服务体验", "gold": [["情感服务体验", "情感反应"], ["情感服务体验", "情感共鸣"]]},
        {"question": "SERVQUAL有哪几个维度", "gold": [["SERVQUAL", "可靠性"]], "note": "extra keys are ignored"},
    ]
    path.write_text(
        json.dumps(lines[0], ensure_ascii=False) + "\n\n  \n" + json.dumps(lines[1], ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert load_questions(path) == [
        EvalQuestion("什么是情感服务体验", [["情感服务体验", "情感反应"], ["情感服务体验", "情感共鸣"]]),
        EvalQuestion("SERVQUAL有哪几个维度", [["SERVQUAL", "可靠性"]]),
    ]


@pytest.mark.parametrize(
    "bad_line",
    ['{"question": "什么是移情服务", "gold": [["移情"]]', '{"question": "什么是移情服务"}', '{"gold": [["移情"]]}'],
)
def test_load_questions_reports_file_and_line(tmp_path: Path, bad_line: str) -> None:
    path = tmp_path / "dev.jsonl"
    good = '{"question": "什么是移情服务", "gold": [["移情"]]}'
    path.write_text(f"{good}\n\n{bad_line}\n{good}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"^{re.escape(str(path))}:3: not an eval question"):
        load_questions(path)


def test_load_questions_reports_a_non_object_line(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text('["什么是移情服务", [["移情"]]]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=f"^{re.escape(str(path))}:1: "):
        load_questions(path)
