"""Retrieval evaluation on question sets in the ../shared/eval format (Recall@k and MRR@10).

A passage is relevant when, for one of the question's gold alternatives, every term occurs in
its title, heading or text (case-insensitive): the sets do not depend on how we chunk. A heading
written as in the entry file ("措施：预防与改进") matches the form passages carry ("措施 · 预防与改进").

Usage:
    questions = load_questions(Path("../shared/eval/dev_retrieval.jsonl"))
    RetrievalEvaluator(questions).evaluate(lambda q: retriever.search(q, 10).hits)  # → {'R@1': 0.9, 'R@3': 0.97, 'R@5': 1.0, 'MRR': 0.94, 'n': 40}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.entries import Passage, section_key


@dataclass(frozen=True)
class EvalQuestion:
    question: str
    gold: list[list[str]]

    def is_relevant(self, passage: Passage) -> bool:
        text = f"{passage.title}\n{passage.section}\n{passage.text}".lower()
        return any(
            all(term.lower() in text or section_key(term).lower() in text for term in alternative)
            for alternative in self.gold
        )


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            questions.append(EvalQuestion(data["question"], data["gold"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not an eval question: {exc}") from exc
    return questions


class RetrievalEvaluator:
    """Scores a search function: it takes a question and returns passages, best first."""

    KS = (1, 3, 5)
    MRR_AT = 10

    def __init__(self, questions: Sequence[EvalQuestion]) -> None:
        if not questions:
            raise ValueError("no questions to evaluate")
        self.questions = list(questions)

    def first_relevant_ranks(self, search: Callable[[str], Sequence[Passage]]) -> list[int | None]:
        ranks = []
        for q in self.questions:
            passages = search(q.question)[: self.MRR_AT]
            ranks.append(next((i + 1 for i, p in enumerate(passages) if q.is_relevant(p)), None))
        return ranks

    def evaluate(self, search: Callable[[str], Sequence[Passage]]) -> dict[str, float]:
        ranks = self.first_relevant_ranks(search)
        n = len(ranks)
        metrics = {f"R@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in self.KS}
        metrics["MRR"] = sum(1.0 / r for r in ranks if r is not None) / n
        metrics["n"] = n
        return metrics
