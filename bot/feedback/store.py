"""What trainers need to improve the knowledge base: the turn log, ratings of answers, inbox states.

Kept in SQLite by default (one file under the state folder, survives restarts), or in the
PostgreSQL database the Rasa servers share when `DB_HOST` is set (bot/serving.py `Database`), so
that every action server of a cluster writes to one place. The action server records every
answered, not-found and clarified turn (`record_turn`) and every 👍/👎 (`record`, linked to the turn
it rates); `kb report`, `kb inbox` and `kb dashboard` read them.

Personal data: questions and answers are masked before they are stored (bot/feedback/privacy.py),
and rows older than `retention_days` are deleted: when a process opens the store, then at most
once an hour on a write (`purge_expired`). The delete walks the `created` indexes, so when nothing
is due it costs one index probe; no timer thread is needed in the action server, and a store
nobody writes to is purged by whoever reads it next (`kb report`, `kb inbox`, the console).

A database outage never costs the user an answer: the record goes to the log instead, as one JSON
line the operator can replay.

Usage:
    store = FeedbackStore(Path("var/feedback.db"))   # or "postgresql+psycopg2://rasa:…@db/rasa"
    store.record_turn(TurnRecord(sender="u1", question="区块链在服务中怎么用", status="not_found"))
    store.unanswered(limit=10)  # → [('区块链在服务中怎么用', 1)]
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from bot.feedback.privacy import mask_personal_data
from bot.feedback.schema import case_runs, feedback, inbox_marks, turns, upgrade
from bot.files import private_file
from bot.serving import Database

log = logging.getLogger(__name__)

Kind = Literal["positive", "negative"]
KINDS = ("positive", "negative")
TurnStatus = Literal["answer", "not_found", "clarify"]
TURN_STATUSES = ("answer", "not_found", "clarify")
#: How often a writing process deletes expired rows.
PURGE_EVERY_SECONDS = 3600.0


@dataclass(frozen=True)
class TurnRecord:
    """One turn as the turn log keeps it; `question` is masked when stored."""

    sender: str
    question: str
    status: TurnStatus
    passages: tuple[str, ...] = ()  # ids ("entry#section") of the passages answered, first = main
    margin: float | None = None
    decided_by: str | None = None
    message_id: str | None = None  # Rasa's id of the user message, to find the conversation around it

    def __post_init__(self) -> None:
        if self.status not in TURN_STATUSES:
            raise ValueError(f"unknown turn status {self.status!r}")


@dataclass(frozen=True)
class RatedAnswer:
    source: str  # citation of the passage the answer came from
    negative: int
    positive: int
    questions: list[str]  # questions whose answer was rated down, most recent first


def timestamp(moment: datetime) -> str:
    """How times are stored: ISO 8601 in UTC to the second, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class FeedbackStore:
    def __init__(
        self,
        location: Path | str,
        retention_days: int = 180,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`location`: an SQLite file, or an SQLAlchemy URL such as postgresql+psycopg2://user:pw@host/db."""
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.location = location
        self.retention = timedelta(days=retention_days)
        self.clock = clock
        if isinstance(location, Path):
            private_file(location)  # 0600: questions and answers of named staff
            self.engine = sa.create_engine(f"sqlite:///{location}", connect_args={"timeout": 10})
        else:
            # Connections are checked before use, so a restarted PostgreSQL is reconnected.
            self.engine = sa.create_engine(location, pool_pre_ping=True, pool_size=2)
        self._schema_ready = False
        self._last_purge: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, sqlite_file: Path, env: Mapping[str, str] | None = None, retention_days: int = 180) -> FeedbackStore:
        """The shared PostgreSQL database when `DB_HOST` is set, else `sqlite_file`."""
        database = Database.from_env(os.environ if env is None else env)
        return cls(database.url() if database else sqlite_file, retention_days)

    # --- connections ----------------------------------------------------------------------

    def _ready(self) -> None:
        """The tables are created (or upgraded) on first use, not at start-up, so an action server
        starts even while the database is down; expired rows go at the same time."""
        with self._lock:
            if not self._schema_ready:
                upgrade(self.engine)
                self._schema_ready = True
        self._purge_if_due()

    @contextmanager
    def reading(self) -> Iterator[sa.Connection]:
        """A connection for queries (bot/inbox, bot/dashboard), after expired rows are gone."""
        self._ready()
        with self.engine.connect() as db:
            yield db

    @contextmanager
    def writing(self) -> Iterator[sa.Connection]:
        """One transaction."""
        self._ready()
        with self.engine.begin() as db:
            yield db

    # --- retention ------------------------------------------------------------------------

    def cutoff(self) -> str:
        """Rows created before this timestamp are expired."""
        return timestamp(self.clock() - self.retention)

    def purge_expired(self) -> int:
        """Delete turns, ratings, inbox marks and test runs older than the retention period; the row count."""
        self._last_purge = time.monotonic()
        cutoff = self.cutoff()
        with self.engine.begin() as db:
            deleted = db.execute(turns.delete().where(turns.c.created < cutoff)).rowcount
            deleted += db.execute(feedback.delete().where(feedback.c.created < cutoff)).rowcount
            deleted += db.execute(inbox_marks.delete().where(inbox_marks.c.handled < cutoff)).rowcount
            deleted += db.execute(case_runs.delete().where(case_runs.c.created < cutoff)).rowcount
        if deleted:
            log.info("deleted %d stored questions, ratings and inbox marks older than %s", deleted, cutoff)
        return deleted

    def _purge_if_due(self) -> None:
        if self._last_purge is None or time.monotonic() - self._last_purge >= PURGE_EVERY_SECONDS:
            self.purge_expired()

    # --- writes ---------------------------------------------------------------------------

    def record_turn(self, turn: TurnRecord) -> None:
        """Log an answered, not-found or clarified turn (question masked)."""
        first = turn.passages[0].split("#", 1) if turn.passages else [None, None]
        row = {
            "created": timestamp(self.clock()),
            "sender": turn.sender,
            "question": mask_personal_data(turn.question.strip()),
            "status": turn.status,
            "entry_id": first[0],
            "section": first[1] if len(first) > 1 else None,
            "passages": json.dumps(list(turn.passages), ensure_ascii=False),
            "margin": turn.margin,
            "decided_by": turn.decided_by,
            "message_id": turn.message_id,
        }
        self.write("turn", lambda db: db.execute(turns.insert(), row), row)

    def record(self, kind: Kind, *, sender: str, question: str, answer: str, sources: Sequence[str]) -> None:
        """Store a 👍/👎, linked to the sender's last answered turn (the answer being rated)."""
        if kind not in KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        row = {
            "created": timestamp(self.clock()),
            "kind": kind,
            "sender": sender,
            "question": mask_personal_data(question.strip()),
            "answer": mask_personal_data(answer),
            "sources": json.dumps(list(sources), ensure_ascii=False),
        }

        def insert(db: sa.Connection) -> None:
            rated = (
                sa.select(turns.c.id)
                .where(turns.c.sender == sender, turns.c.status == "answer")
                .order_by(turns.c.id.desc())
                .limit(1)
            )
            db.execute(feedback.insert(), {**row, "turn_id": db.execute(rated).scalar()})

        self.write("feedback", insert, row)

    def write(self, what: str, write: Callable[[sa.Connection], object], row: Mapping[str, object]) -> None:
        """Run `write` in one transaction; when the database is unavailable, log `row` as a JSON line instead."""
        try:
            with self.writing() as db:
                write(db)
        except sa.exc.SQLAlchemyError as exc:
            log.error(
                "%s not recorded (database unavailable: %s); record: %s",
                what,
                type(exc).__name__,
                json.dumps(dict(row), ensure_ascii=False),
            )

    # --- kb report ------------------------------------------------------------------------

    def unanswered(self, limit: int = 10) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (exact text, trimmed), most frequent first."""
        n = sa.func.count().label("n")
        query = (
            sa.select(turns.c.question, n)
            .where(turns.c.status == "not_found")
            .group_by(turns.c.question)
            .order_by(n.desc(), sa.func.max(turns.c.id).desc())
            .limit(limit)
        )
        with self.reading() as db:
            return [(question, count) for question, count in db.execute(query)]

    def worst_rated(self, limit: int = 10) -> list[RatedAnswer]:
        """Answers (by their first source) with the most 👎, net of 👍; only those with a 👎."""
        query = (
            sa.select(feedback.c.kind, feedback.c.question, feedback.c.sources)
            .where(feedback.c.kind.in_(KINDS))
            .order_by(feedback.c.id.desc())
        )
        with self.reading() as db:
            rows = db.execute(query).all()
        tally: dict[str, dict] = {}
        for kind, question, sources in rows:
            source = (json.loads(sources) or ["（无来源）"])[0]
            entry = tally.setdefault(source, {"negative": 0, "positive": 0, "questions": []})
            entry[kind] += 1
            if kind == "negative" and question not in entry["questions"]:
                entry["questions"].append(question)
        rated = [
            RatedAnswer(source, t["negative"], t["positive"], t["questions"][:3])
            for source, t in tally.items()
            if t["negative"]
        ]
        return sorted(rated, key=lambda r: (r.positive - r.negative, -r.negative))[:limit]
