"""The check before publishing: a trainer's change is built into a candidate index beside the live
one, every saved test case is run against both, and the trainer sees what would change before
deciding to publish (Workspace.save with the candidate) or to go back (the candidate is thrown
away and nothing changes).

Pending checks live in memory, at most `limit` at once (the oldest is dropped) and for at most
`max_age` seconds; their candidates live in `index_dir/.candidates/` (bot/indexing/candidate.py),
swept at start-up when a console stopped mid-check. Each check's pass rate is recorded for the
dashboard, and marked published when it goes live.

Usage:
    checks = Checks(settings, tester, store)
    pending = checks.prepare(edits, workspace, author, message, trainer="张三")
    pending.report.broken, pending.report.fixed
    outcome = workspace.save(pending.edits, pending.author, pending.message, checks.take(pending.id, "张三").candidate)
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.conversation.replay import NluUnavailable
from bot.evaluation.saved_cases import CachedNlu, CaseResult, CaseRunner, CheckReport, compare
from bot.feedback.case_runs import CaseRun, mark_published, record_run
from bot.feedback.store import FeedbackStore
from bot.indexing.candidate import Candidate, build_candidate, discard, sweep
from bot.knowledge.cases import CASES_FILE, TestCase, parse_cases
from bot.knowledge.history import Author
from bot.settings import Settings
from console.hittest import HitTester
from console.workspace import FileEdit, Workspace

log = logging.getLogger(__name__)
#: The NLU's readings are reused across checks for this long (a retrained model is picked up after).
NLU_CACHE_SECONDS = 600.0


@dataclass
class Pending:
    """A checked change waiting for the trainer's decision."""

    id: str
    trainer: str
    edits: list[FileEdit]
    author: Author
    message: str
    candidate: Candidate
    report: CheckReport
    texts: dict[str, str | None]  # the files as checked
    before: dict[str, str | None]  # the files as they were
    #: where the change came from and where to go back to: {"kind": "entry"|"new"|"delete"|"revert"|"inbox"|"import", …}
    origin: dict[str, Any] = field(default_factory=dict)
    focus: list[tuple[CaseResult, CaseResult]] = field(
        default_factory=list
    )  # the question being fixed: live, candidate
    error: str = ""  # the cases could not run (the Rasa server's NLU is unavailable)
    nlu: str = ""  # fingerprint of the NLU resources when checked
    #: seconds: building the candidate, the live run (remembered between checks), the candidate run
    timings: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None
    created: float = field(default_factory=time.time)


class Checks:
    def __init__(
        self,
        settings: Settings,
        tester: HitTester,
        store: FeedbackStore | None,
        limit: int = 8,
        max_age: float = 3600.0,
    ) -> None:
        self.settings = settings
        self.tester = tester
        self.store = store
        self.limit = limit
        self.max_age = max_age
        self._pending: OrderedDict[str, Pending] = OrderedDict()
        self._lock = threading.Lock()
        self._nlu: CachedNlu | None = None
        self._nlu_since = 0.0
        self._generation = 0  # of the NLU readings: results on the live index are valid for one
        #: the latest "run all": when, and each case's result
        self.last_run: tuple[float, dict[str, CaseResult]] = (0.0, {})
        #: results on the live index, by (index version, NLU readings): (key, case id -> result)
        self._live: tuple[tuple[str, int], dict[str, CaseResult]] = (("", 0), {})
        swept = sweep(settings.index_dir, older_than_seconds=max_age)
        if swept:
            log.info("removed %d candidate index(es) left by an earlier run", swept)

    @property
    def nlu(self) -> CachedNlu:
        """The NLU's readings shared by the live and the candidate run, and by checks in a row."""
        now = time.monotonic()
        if self._nlu is None or now - self._nlu_since > NLU_CACHE_SECONDS:
            self._nlu, self._nlu_since = CachedNlu(self.tester.nlu), now
            self._generation += 1
        return self._nlu

    def forget_readings(self) -> None:
        """After publishing: new titles and aliases change what the NLU reads."""
        self._nlu = None

    def prepare(
        self,
        edits: list[FileEdit],
        workspace: Workspace,
        author: Author,
        message: str,
        trainer: str,
        origin: dict[str, Any] | None = None,
        focus: list[TestCase] | None = None,
    ) -> Pending:
        """Build the candidate and run every case (the candidate's list) against both indexes.

        Without the Rasa server's NLU the cases cannot run: the check says so (`error`) and the
        change can still be published, as editing works while Rasa is down."""
        texts = workspace.texts(edits)
        before = {name: workspace.text(name) for name in texts}
        drafts = {name: text for name, text in texts.items() if name != CASES_FILE}
        started = time.perf_counter()
        candidate = build_candidate(self.settings, drafts, self.tester.encoder)
        built_at = time.perf_counter()
        error, pairs = "", []
        try:
            saved = workspace.cases()
            cases = parse_cases(texts[CASES_FILE] or "")[0] if CASES_FILE in texts else saved
            removed = [c for c in saved if c.id not in {k.id for k in cases}]
            built = self.tester.replayer_for(candidate.settings, self.nlu)
            try:
                live_results = self._live_results(cases)
                live_at = time.perf_counter()
                report = compare(live_results, CaseRunner(built).run(cases), removed)
                live = self.tester.replayer_for(nlu=self.nlu)
                pairs = list(zip(CaseRunner(live).run(focus or []), CaseRunner(built).run(focus or [])))
            except NluUnavailable as exc:
                report, error, live_at = CheckReport([]), str(exc), time.perf_counter()
        except BaseException:
            discard(candidate)
            raise
        report.seconds = time.perf_counter() - started
        log.info(
            "checked %s: %d cases, %d broken, %d fixed; %.2fs (candidate %.2fs, live run %.2fs, candidate run %.2fs)",
            ", ".join(texts),
            report.total,
            len(report.broken),
            len(report.fixed),
            report.seconds,
            built_at - started,
            live_at - built_at,
            report.seconds - (live_at - started),
        )
        pending = Pending(
            candidate.id, trainer, edits, author, message, candidate, report, texts, before, origin or {}, pairs, error
        )
        pending.nlu = _fingerprint(self.settings.nlu_dir)
        pending.timings = {
            "candidate": built_at - started,
            "live": live_at - built_at,
            "candidate_run": report.seconds - (live_at - started),
            "total": report.seconds,
        }
        pending.run_id = self._record(CaseRun("check", report.total, report.passed_after, by=trainer, published=False))
        with self._lock:
            self._pending[pending.id] = pending
            self._expire()
        sweep(self.settings.index_dir, older_than_seconds=self.max_age)  # any a crashed console left
        return pending

    def get(self, pending_id: str, trainer: str) -> Pending | None:
        """A pending check of this trainer (another trainer's is not theirs to publish)."""
        with self._lock:
            self._expire()
            pending = self._pending.get(pending_id)
        return pending if pending is not None and pending.trainer == trainer else None

    def take(self, pending_id: str, trainer: str) -> Pending | None:
        """Remove a pending check to publish it (a second click finds nothing)."""
        with self._lock:
            pending = self._pending.get(pending_id)
            if pending is None or pending.trainer != trainer:
                return None
            return self._pending.pop(pending_id)

    def discard(self, pending_id: str, trainer: str) -> Pending | None:
        pending = self.take(pending_id, trainer)
        if pending is not None:
            discard(pending.candidate)
        return pending

    def published(self, pending: Pending, version: str | None, cases: list[TestCase]) -> None:
        """The change is live: its check counts for the pass rate, and the candidate's results are
        the live index's now. When the NLU resources changed with it (new names, new words the
        Rasa server reads messages with), every case is read and run again in the background."""
        if pending.run_id is not None and self.store is not None:
            mark_published(self.store, pending.run_id)
        if _fingerprint(self.settings.nlu_dir) != pending.nlu:
            self.forget_readings()
            threading.Thread(target=self.prime, args=(cases, 1), name="prime-cases", daemon=True).start()
        elif version is not None and not pending.error:
            results = {c.after.case.id: c.after for c in pending.report.changes if c.after is not None}
            with self._lock:
                self._live = ((version, self._generation), results)

    def prime(self, cases: list[TestCase], attempts: int = 18, wait: float = 10.0) -> None:
        """Run the saved cases on the live index in the background after start-up, so that the
        first check does not read every question anew (retried while the Rasa server starts)."""
        for _ in range(attempts):
            try:
                self._live_results(cases)
                log.info("ran %d saved test cases on the live index, ready for checks", len(cases))
                return
            except NluUnavailable:
                time.sleep(wait)
            except Exception:  # priming is an optimisation: a check computes the same later
                log.exception("could not run the saved test cases ahead of the first check")
                return

    def _live_results(self, cases: list[TestCase]) -> list[CaseResult]:
        """The cases against the live index: remembered per index version and NLU readings, so
        checks in a row run only the candidate (and cases not run before)."""
        nlu = self.nlu
        key = (self.tester.assistant.retriever.holder.get().path.name, self._generation)
        with self._lock:
            if self._live[0] != key:
                self._live = (key, {})
            known = dict(self._live[1])
        missing = [c for c in cases if known.get(c.id) is None or known[c.id].case != c]
        if missing:
            fresh = CaseRunner(self.tester.replayer_for(nlu=nlu)).run(missing)
            known.update((r.case.id, r) for r in fresh)
            with self._lock:
                if self._live[0] == key:
                    self._live[1].update((r.case.id, r) for r in fresh)
        return [known[c.id] for c in cases]

    def run_live(self, cases: list[TestCase], trainer: str) -> list[CaseResult]:
        """Every case against the live index ("run all" on the test cases page), recorded."""
        results = CaseRunner(self.tester.replayer_for(nlu=self.nlu)).run(cases)
        if results:
            self._record(CaseRun("console", len(results), sum(r.passed for r in results), by=trainer))
        self.last_run = (time.time(), {r.case.id: r for r in results})
        return results

    def _record(self, run: CaseRun) -> int | None:
        if self.store is None or not run.total:
            return None
        return record_run(self.store, run)

    def _expire(self) -> None:
        now = time.time()
        while self._pending:
            oldest = next(iter(self._pending.values()))
            if len(self._pending) <= self.limit and now - oldest.created <= self.max_age:
                break
            self._pending.popitem(last=False)
            discard(oldest.candidate)


def _fingerprint(folder: Path) -> str:
    """Of the NLU resources (entity patterns, vocabulary): what the Rasa server reads messages with."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
