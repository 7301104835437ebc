"""The saved test cases' pass rate at each run, for the dashboard's "pass rate over time".

Every `kb test`, every "run all" in the console and every check before publishing is one row:
when, which kind, how many cases, how many passed, by whom; a check is marked published when its
change went live, so the dashboard can tell the live knowledge's pass rate from that of changes
that were abandoned. Stored beside the turn log (same database, same retention), so a test suite's
or a benchmark's runs land in its own store (KB_STATE_DIR), never in the live one.

Usage:
    run_id = record_run(store, CaseRun("kb test", total=70, passed=69))
    mark_published(store, run_id)
    [(r.created.date(), r.rate) for r in load_runs(store)]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from bot.feedback.schema import case_runs
from bot.feedback.store import FeedbackStore, timestamp

RunKind = Literal["kb test", "console", "check"]
RUN_KINDS = ("kb test", "console", "check")


@dataclass(frozen=True)
class CaseRun:
    kind: RunKind
    total: int
    passed: int
    by: str = ""
    published: bool | None = None  # checks only
    created: datetime | None = None  # set when stored
    id: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in RUN_KINDS:
            raise ValueError(f"unknown run kind {self.kind!r}")
        if not 0 <= self.passed <= self.total:
            raise ValueError("passed must be between 0 and total")

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def live(self) -> bool:
        """A run of the live knowledge: `kb test`, the console's run, a check whose change was published."""
        return self.kind != "check" or bool(self.published)


def record_run(store: FeedbackStore, run: CaseRun) -> int | None:
    """Store a run; its id (None when the database is unavailable: the run is logged instead)."""
    row = {
        "created": timestamp(store.clock()),
        "kind": run.kind,
        "total": run.total,
        "passed": run.passed,
        "published": None if run.published is None else int(run.published),
        "by": run.by,
    }
    found: list[int] = []

    def insert(db: sa.Connection) -> None:
        found.append(db.execute(case_runs.insert().returning(case_runs.c.id), row).scalar_one())

    store.write("case run", insert, row)
    return found[0] if found else None


def mark_published(store: FeedbackStore, run_id: int) -> None:
    statement = case_runs.update().where(case_runs.c.id == run_id).values(published=1)
    store.write("case run published", lambda db: db.execute(statement), {"id": run_id, "published": 1})


def load_runs(store: FeedbackStore, since: datetime | None = None) -> list[CaseRun]:
    """Runs in the order they were made (within the retention period)."""
    query = sa.select(case_runs).order_by(case_runs.c.id)
    if since is not None:
        query = query.where(case_runs.c.created >= timestamp(since))
    with store.reading() as db:
        rows = db.execute(query).all()
    return [
        CaseRun(
            kind=row.kind,
            total=row.total,
            passed=row.passed,
            by=row.by,
            published=None if row.published is None else bool(row.published),
            created=datetime.fromisoformat(row.created),
            id=row.id,
        )
        for row in rows
    ]
