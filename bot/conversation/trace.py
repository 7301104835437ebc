"""The decision trace of one turn: what the message was read as, which rule decided, and why.

Trainers need to see why the assistant answered what it did, and that explanation must be the
live assistant's own decision, not a look-alike: every turn records its trace while it decides,
`kb search --explain` prints it, the action server logs it at debug level, and the trainer
console renders it (as JSON, `Trace.to_dict`).

Usage:
    trace = Trace(question="客户情叙管理有哪些策略")
    trace.terms.append(TermMatch("情叙管理", "情绪管理", "homophone", "customer-emotion-management"))
    trace.passed("list_item", "no list item named")
    trace.decided("named_entry", "the message names an entry", entry="customer-emotion-management")
    trace.decided_by  # → 'named_entry'
    print(trace.to_text())
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: How a word of the message was matched to the knowledge base's vocabulary.
MatchKind = Literal["exact", "traditional", "homophone", "edit", "synonym"]
Outcome = Literal["decided", "passed"]


@dataclass(frozen=True)
class TermMatch:
    """A word of the message read as a knowledge-base word ("情叙管理" → "情绪管理", homophone)."""

    said: str
    term: str
    how: MatchKind
    entry: str | None = None  # the entry the term names, when it is a title or an alias


@dataclass(frozen=True)
class Candidate:
    """One ranked passage with the scores that ranked it."""

    passage_id: str
    citation: str
    source: str  # file, relative to the knowledge folder
    line: int  # line of its heading in that file
    fused: float
    dense: float
    lexical: float


@dataclass(frozen=True)
class Step:
    """One rule's verdict: it decided the turn, or passed, and the evidence it looked at."""

    rule: str
    outcome: Outcome
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    question: str
    understood: str = ""  # the text the rules read: normalized script, typos read as the words meant
    intent: str = ""
    kinds: list[str] = field(default_factory=list)  # the section kinds the turn asks for, in order
    own_state: bool = False  # staff telling of their own state: no kind guessed from the intent
    terms: list[TermMatch] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    threshold: float | None = None
    confidence: float | None = None  # the best passage's answerability score, against `threshold`
    margin: float | None = None  # fused score of the best passage minus the best of another entry
    coverage: dict[str, Any] = field(default_factory=dict)  # subject words and where each was found
    status: str = ""  # answer, compare, not_found, clarify, unavailable
    answer: list[str] = field(default_factory=list)  # ids of the passages answered

    def passed(self, rule: str, reason: str, **evidence: Any) -> None:
        self.steps.append(Step(rule, "passed", reason, _plain(evidence)))

    def decided(self, rule: str, reason: str, **evidence: Any) -> None:
        self.steps.append(Step(rule, "decided", reason, _plain(evidence)))

    @property
    def decided_by(self) -> str | None:
        return next((s.rule for s in reversed(self.steps) if s.outcome == "decided"), None)

    def rank(self, candidates: Iterable[Candidate], limit: int = 10) -> None:
        self.candidates = list(candidates)[:limit]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["decided_by"] = self.decided_by
        return data

    def to_text(self) -> str:
        """Several lines for a terminal or a log: what was read, the rules in order, the ranking."""
        lines = [f"question: {self.question}"]
        if self.understood and self.understood != self.question:
            lines.append(f"understood as: {self.understood}")
        if self.intent:
            lines.append(f"intent: {self.intent}")
        if self.kinds or self.own_state:
            own = " (staff's own state: none guessed from the intent)" if self.own_state else ""
            lines.append(f"kinds asked: {', '.join(self.kinds) or '-'}{own}")
        for term in self.terms:
            entry = f" (entry {term.entry})" if term.entry else ""
            lines.append(f"term: {term.said} → {term.term} [{term.how}]{entry}")
        scores = [
            f"{name} {value:.3f}"
            for name, value in (("confidence", self.confidence), ("threshold", self.threshold), ("margin", self.margin))
            if value is not None
        ]
        if scores:
            lines.append("scores: " + ", ".join(scores))
        if self.coverage:
            lines.append("coverage: " + _inline(self.coverage))
        for number, step in enumerate(self.steps, start=1):
            evidence = f" — {_inline(step.evidence)}" if step.evidence else ""
            lines.append(f"{number}. {step.rule}: {step.outcome}: {step.reason}{evidence}")
        lines.append(f"result: {self.status or '?'} {' '.join(self.answer)}".rstrip())
        for rank, c in enumerate(self.candidates, start=1):
            lines.append(
                f"  #{rank} {c.fused:.3f} (dense {c.dense:.3f}, bm25 {c.lexical:.2f}) {c.citation}  {c.source}:{c.line}"
            )
        return "\n".join(lines)


def _plain(evidence: dict[str, Any]) -> dict[str, Any]:
    """Evidence as JSON-ready values: tuples and sets become lists, floats are rounded."""

    def plain(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 4)
        if isinstance(value, (list, tuple, set, frozenset)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    return {key: plain(value) for key, value in evidence.items()}


def _inline(data: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in data.items())
