"""Our own held-out evaluation sets (tests/fixtures/eval/) stay answerable from knowledge/: every
gold alternative of the colloquial retrieval set matches a passage, and every term a dialogue
expects from the knowledge base occurs in it (the assistant's own phrases come from domain.yml
and the guard, whose wording the sets only use for refusals and greetings)."""

import pytest

from bot.evaluation.dialogues import load_dialogues
from bot.evaluation.metrics import load_questions
from bot.knowledge.entries import load_knowledge
from tests.conftest import FIXTURES, ROOT

EVAL = FIXTURES / "eval"
#: Terms of the assistant's own replies (refusals, greetings, citations), not of knowledge/.
REPLY_PHRASES = {
    "来源",
    "没有",
    "暂无",
    "未收录",
    "没有找到",
    "未找到",
    "抱歉",
    "没理解",
    "换个说法",
    "超出",
    "只能",
    "请问",
    "您好",
    "你好",
    "不客气",
    "不用谢",
    "很高兴",
}


@pytest.fixture(scope="module")
def passages() -> list:
    return load_knowledge(ROOT / "knowledge").passages


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("in_domain_colloquial.jsonl", 80),
        ("fresh_1_retrieval.jsonl", 40),
        ("fresh_2_retrieval.jsonl", 40),
        ("fresh_3_retrieval.jsonl", 40),
        ("fresh_4_retrieval.jsonl", 40),
        ("fresh_5_retrieval.jsonl", 40),
        ("fresh_6_retrieval.jsonl", 60),
        ("fresh_7_retrieval.jsonl", 120),
        ("fresh_8_retrieval.jsonl", 140),
        ("fresh_9_retrieval.jsonl", 150),
        ("fresh_10_retrieval.jsonl", 170),
        ("fresh_21_retrieval.jsonl", 270),
        ("fresh_22_retrieval.jsonl", 280),
        ("fresh_23_retrieval.jsonl", 280),
        ("fresh_24_retrieval.jsonl", 277),
        ("fresh_25_retrieval.jsonl", 288),
        ("fresh_26_retrieval.jsonl", 297),
        ("fresh_27_retrieval.jsonl", 301),
        ("fresh_28_retrieval.jsonl", 298),
        ("fresh_29_retrieval.jsonl", 303),
        ("fresh_30_retrieval.jsonl", 302),
        ("fresh_31_retrieval.jsonl", 301),
        ("fresh_32_retrieval.jsonl", 310),
        ("fresh_33_retrieval.jsonl", 301),
        ("fresh_34_retrieval.jsonl", 305),
        ("fresh_35_retrieval.jsonl", 298),
    ],
)
def test_every_retrieval_question_has_a_relevant_passage(passages: list, name: str, size: int) -> None:
    questions = load_questions(EVAL / name)
    assert len(questions) >= size
    orphans = [q.question for q in questions if not any(q.is_relevant(p) for p in passages)]
    assert not orphans


@pytest.mark.parametrize("name", ["staff_dialogues.yml", "textbook_dialogues.yml"])
def test_dialogue_expectations_are_in_the_knowledge_base(passages: list, name: str) -> None:
    corpus = "\n".join(f"{p.title}\n{p.section}\n{p.text}" for p in passages)
    missing = [
        f"{d.name}: {term}"
        for d in load_dialogues(EVAL / name)
        for turn in d.turns
        for term in (*turn.expect, *turn.expect_any, *turn.expect_any_2)
        if term not in REPLY_PHRASES and term not in corpus
    ]
    assert not missing


def test_out_of_domain_set_is_large_and_has_no_duplicates() -> None:
    lines = [line.strip() for line in (EVAL / "out_of_domain.txt").read_text(encoding="utf-8").splitlines()]
    questions = [line for line in lines if line and not line.startswith("#")]
    assert len(questions) >= 80 and len(set(questions)) == len(questions)
