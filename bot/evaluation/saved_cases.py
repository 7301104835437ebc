"""Running the saved test cases (knowledge/tests.yml) the way staff would be answered, and comparing two runs.

`kb test` runs them against the live index; the trainer console runs them against the live index
and a candidate index with a trainer's changes (bot/indexing/candidate.py) and shows what the
changes would do: cases that pass now and would fail (broken), that fail now and would pass
(fixed), whose answer would change, that fail either way. Each case is replayed by the same
replayer as the hit test (bot/conversation/replay.py: guard, Rasa's NLU over HTTP, the dialogue
rules, KnowledgeAssistant), so a case passes exactly when the chat would give that answer.

Fast enough to run before every publish: cases that share earlier turns (a converted dialogue's
turns) replay those turns once per run, and the NLU's reading of a message is asked once per
check for both indexes (`CachedNlu`: the NLU does not depend on the index, so the live and the
candidate run read every message alike).

Usage:
    runner = CaseRunner(Replayer.from_settings(settings, assistant, CachedNlu(RasaNlu(url, token))))
    results = runner.run(cases)
    [r.case.id for r in results if not r.passed]
    report = compare(runner.run(cases), CaseRunner(candidate_replayer).run(cases))
    len(report.broken), len(report.fixed)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.conversation.planning import Context
from bot.conversation.replay import Nlu, Parse, ReplayedTurn, Replayer
from bot.evaluation.dialogues import reply_text
from bot.indexing.store import IndexMissingError
from bot.knowledge.cases import Expectation, TestCase

ObservedKind = Literal["answer", "not_found", "clarify", "unavailable", "response"]
ChangeKind = Literal["broken", "fixed", "changed", "failing", "same", "removed"]


@dataclass(frozen=True)
class Observed:
    """What a case's question got: the reply's kind, its first passage, the fixed responses sent."""

    kind: ObservedKind
    passage: str = ""  # "entry#section" of an answer's first citation
    responses: tuple[str, ...] = ()  # domain.yml responses of a rule's or the input guard's reply
    text: str = ""  # the reply as staff read it (messages, then button titles)
    trace: str = ""  # the decision trace (Trace.to_text), for answers from the knowledge base

    @property
    def expectation(self) -> Expectation | None:
        """The expectation this reply meets (what a converted or saved case expects), None when none."""
        if self.kind == "answer":
            entry, _, section = self.passage.partition("#")
            return Expectation.answer(entry, section)
        if self.kind in ("not_found", "clarify"):
            return Expectation(self.kind)
        if self.kind == "response" and self.responses:
            return Expectation("response", response=self.responses[0])
        return None

    def describe(self, titles: dict[str, str] | None = None, replies: dict[str, str] | None = None) -> str:
        expectation = self.expectation
        return expectation.describe(titles, replies) if expectation else "索引不可用"


def observe(turn: ReplayedTurn) -> Observed:
    text = reply_text(m.as_rest() for m in turn.messages)
    if turn.reply is None:
        return Observed("response", responses=tuple(turn.responses), text=text)
    reply = turn.reply
    trace = reply.trace.to_text() if reply.trace else ""
    if reply.status == "not_understood":
        # a fixed response, as Rasa's fallback rule sent before the knowledge action read it
        return Observed("response", responses=tuple(m.response for m in reply.messages), text=text, trace=trace)
    passage = reply.passages[0].id if reply.status == "answer" and reply.passages else ""
    return Observed(reply.status, passage, text=text, trace=trace)


def meets(expect: Expectation, observed: Observed) -> bool:
    if expect.kind == "answer":
        return observed.kind == "answer" and observed.passage == expect.passage_id
    if expect.kind == "response":
        return observed.kind == "response" and expect.response in observed.responses
    return observed.kind == expect.kind


@dataclass(frozen=True)
class CaseResult:
    case: TestCase
    observed: Observed
    turn: ReplayedTurn | None = field(default=None, compare=False)  # the question's turn, with its whole trace

    @property
    def passed(self) -> bool:
        return meets(self.case.expect, self.observed)


class CachedNlu:
    """The NLU's readings, asked once per text (bounded, least recently used dropped first).

    A reading depends on the Rasa model and the NLU resources (entity patterns), not on the
    index: `clear()` when those change (the console does after publishing).
    """

    def __init__(self, nlu: Nlu, size: int = 5000) -> None:
        self.nlu = nlu
        self.size = size
        self._cache: OrderedDict[str, Parse] = OrderedDict()
        self._lock = threading.Lock()

    def parse(self, text: str) -> Parse:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        parse = self.nlu.parse(text)
        with self._lock:
            self._cache[text] = parse
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return parse

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


class CaseRunner:
    """Replays cases with one replayer; raises NluUnavailable when the Rasa server cannot parse."""

    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer

    def run(self, cases: Sequence[TestCase]) -> list[CaseResult]:
        self._encode_ahead(cases)
        done: dict[tuple[str, ...], ReplayedTurn] = {}  # earlier turns shared by cases: replayed once
        results = []
        for case in cases:
            ctx, turn = Context(), None
            messages = case.messages
            for number in range(len(messages)):
                key = tuple(messages[: number + 1])
                turn = done.get(key)
                if turn is None:
                    turn = done[key] = self.replayer.turn(messages[number], ctx)
                ctx = turn.context
            assert turn is not None  # a case has a question
            results.append(CaseResult(case, observe(turn), turn))
        return results

    def _encode_ahead(self, cases: Sequence[TestCase]) -> None:
        """Every question as the retriever will read it, encoded in batches into the encoder's cache
        (one model pass per batch instead of one per question: the bulk of a cold run)."""
        retriever = self.replayer.assistant.retriever
        if getattr(retriever.encoder, "cache", None) is None:
            return  # an encoder without a cache would only encode everything twice
        try:
            reader = retriever.holder.get().reader
        except IndexMissingError:
            return  # each turn says so itself
        texts = list(dict.fromkeys(reader.read(m).understood for c in cases for m in c.messages))
        if texts:
            retriever.encoder.encode_queries(texts)


@dataclass(frozen=True)
class CaseChange:
    kind: ChangeKind
    case: TestCase
    before: CaseResult | None  # the live index (None for a case the change removes: after is None too)
    after: CaseResult | None  # the candidate


@dataclass
class CheckReport:
    """What a change does to the saved cases: live run against candidate run."""

    changes: list[CaseChange]
    seconds: float = 0.0
    created: float = field(default_factory=time.time)

    def of(self, kind: ChangeKind) -> list[CaseChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def broken(self) -> list[CaseChange]:
        return self.of("broken")

    @property
    def fixed(self) -> list[CaseChange]:
        return self.of("fixed")

    @property
    def total(self) -> int:
        return sum(c.after is not None for c in self.changes)

    @property
    def passed_before(self) -> int:
        return sum(bool(c.before and c.after and c.before.passed) for c in self.changes)

    @property
    def passed_after(self) -> int:
        return sum(bool(c.after and c.after.passed) for c in self.changes)


def compare(before: Sequence[CaseResult], after: Sequence[CaseResult], removed: Sequence[TestCase] = ()) -> CheckReport:
    """Pair the runs by case id (both judged by the candidate's expectation), in the candidate's order."""
    live = {r.case.id: r for r in before}
    changes = []
    for result in after:
        previous = live.get(result.case.id)
        if previous is None or previous.case != result.case:
            previous = CaseResult(result.case, previous.observed, previous.turn) if previous else None
        changes.append(CaseChange(_kind(previous, result), result.case, previous, result))
    changes += [CaseChange("removed", case, live.get(case.id), None) for case in removed]
    return CheckReport(changes)


def _kind(before: CaseResult | None, after: CaseResult) -> ChangeKind:
    if before is None:
        return "fixed" if after.passed else "failing"
    if before.passed and not after.passed:
        return "broken"
    if after.passed and not before.passed:
        return "fixed"
    same = (before.observed.kind, before.observed.passage, before.observed.responses, before.observed.text) == (
        after.observed.kind,
        after.observed.passage,
        after.observed.responses,
        after.observed.text,
    )
    if not after.passed:
        return "failing"
    return "same" if same else "changed"
