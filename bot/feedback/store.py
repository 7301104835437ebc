"""What trainers need to improve the knowledge base: ratings of answers and unanswered questions.

Kept in SQLite by default (one file under var/, survives restarts), or in the PostgreSQL database
the Rasa servers share when `DB_HOST` is set (bot/serving.py `Database`), so that every action
server of a cluster writes to one place. `kb report` summarizes it: the questions most often left
unanswered, and the worst-rated answers. A database outage never costs the user an answer: the
record goes to the log instead, as one JSON line the operator can replay.

Usage:
    store = FeedbackStore(Path("var/feedback.db"))   # or "postgresql+psycopg2://rasa:…@db/rasa"
    store.record("unanswered", sender="u1", question="区块链在服务中怎么用", answer="抱歉……", sources=[])
    store.unanswered(limit=10)  # → [('区块链在服务中怎么用', 1)]
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from bot.files import private_file
from bot.serving import Database

log = logging.getLogger(__name__)

Kind = Literal["positive", "negative", "unanswered"]
KINDS = ("positive", "negative", "unanswered")

_metadata = sa.MetaData()
# Not "events": that is the table of Rasa's SQL tracker store, which may share the database.
_feedback = sa.Table(
    "feedback",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, sa.CheckConstraint("kind IN ('positive', 'negative', 'unanswered')"), nullable=False),
    sa.Column("sender", sa.Text, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("sources", sa.Text, nullable=False),
    sa.Index("feedback_kind", "kind"),
)


@dataclass(frozen=True)
class RatedAnswer:
    source: str  # citation of the passage the answer came from
    negative: int
    positive: int
    questions: list[str]  # questions whose answer was rated down, most recent first


class FeedbackStore:
    def __init__(self, location: Path | str) -> None:
        """`location`: an SQLite file, or an SQLAlchemy URL such as postgresql+psycopg2://user:pw@host/db."""
        self.location = location
        if isinstance(location, Path):
            private_file(location)  # 0600: questions and answers of named staff
            self._engine = sa.create_engine(f"sqlite:///{location}", connect_args={"timeout": 10})
        else:
            # Connections are checked before use, so a restarted PostgreSQL is reconnected.
            self._engine = sa.create_engine(location, pool_pre_ping=True, pool_size=2)
        self._schema_ready = False

    def _connect(self, *, write: bool = False) -> AbstractContextManager[sa.Connection]:
        """A transaction (`write`) or a connection; the table is created on first use, not at start-up,
        so an action server starts even while the database is down."""
        if not self._schema_ready:
            _metadata.create_all(self._engine)
            self._schema_ready = True
        return self._engine.begin() if write else self._engine.connect()

    @classmethod
    def open(cls, sqlite_file: Path, env: Mapping[str, str] | None = None) -> FeedbackStore:
        """The shared PostgreSQL database when `DB_HOST` is set, else `sqlite_file`."""
        database = Database.from_env(os.environ if env is None else env)
        return cls(database.url() if database else sqlite_file)

    def record(self, kind: Kind, *, sender: str, question: str, answer: str, sources: Sequence[str]) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown feedback kind {kind!r}")
        row = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "kind": kind,
            "sender": sender,
            "question": question.strip(),
            "answer": answer,
            "sources": json.dumps(list(sources), ensure_ascii=False),
        }
        try:
            with self._connect(write=True) as db:
                db.execute(_feedback.insert(), row)
        except sa.exc.SQLAlchemyError as exc:
            log.error(
                "feedback not recorded (database unavailable: %s); record: %s",
                type(exc).__name__,
                json.dumps(row, ensure_ascii=False),
            )

    def unanswered(self, limit: int = 10) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (exact text, trimmed), most frequent first."""
        n = sa.func.count().label("n")
        query = (
            sa.select(_feedback.c.question, n)
            .where(_feedback.c.kind == "unanswered")
            .group_by(_feedback.c.question)
            .order_by(n.desc(), sa.func.max(_feedback.c.id).desc())
            .limit(limit)
        )
        with self._connect() as db:
            return [(question, count) for question, count in db.execute(query)]

    def worst_rated(self, limit: int = 10) -> list[RatedAnswer]:
        """Answers (by their first source) with the most 👎, net of 👍; only those with a 👎."""
        query = (
            sa.select(_feedback.c.kind, _feedback.c.question, _feedback.c.sources)
            .where(_feedback.c.kind.in_(("positive", "negative")))
            .order_by(_feedback.c.id.desc())
        )
        with self._connect() as db:
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
