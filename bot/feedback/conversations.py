"""The conversation around a logged question, read from Rasa's conversation store (read-only).

Rasa's SQL tracker store keeps one row per event in its `events` table (sender_id, type_name,
timestamp, data as JSON), in SQLite (the state folder's rasa/tracker.db) or in the PostgreSQL
database of the cluster. Trainers looking at an unanswered question need the turns before it
("那酒店呢" means nothing alone) and the reply after. This reads that table directly, without
Rasa (the core never imports it), opening SQLite read-only and PostgreSQL in a read-only
transaction, and masks personal data in what it returns: Rasa stores the raw text.

A question is found by the id Rasa gave its message (logged with the turn); without one (ratings
stored before the turn log) by its time.

Usage:
    reader = ConversationReader.open(Path("var/rasa/tracker.db"))
    for line in reader.around("staff-7", message_id="9f2c…", asked=turn.created):
        print(line.speaker, line.text)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from bot.feedback.privacy import mask_personal_data
from bot.serving import Database

log = logging.getLogger(__name__)

#: Rasa's table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent), described, never created.
_events = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("data", sa.Text),
)
#: How far from the logged time a message is looked for (the turn is logged within seconds).
WINDOW = timedelta(hours=6)


@dataclass(frozen=True)
class Utterance:
    speaker: Literal["user", "bot"]
    text: str  # masked
    time: datetime
    asked: bool = False  # the question the conversation was looked up for


class ConversationReader:
    def __init__(self, location: Path | str) -> None:
        """`location`: Rasa's SQLite file, or the SQLAlchemy URL of its PostgreSQL database."""
        self.location = location
        if isinstance(location, Path):
            self._engine: sa.Engine | None = (
                sa.create_engine(f"sqlite:///file:{location}?mode=ro&uri=true") if location.exists() else None
            )
        else:
            self._engine = sa.create_engine(location, pool_pre_ping=True, pool_size=1)

    @classmethod
    def open(cls, sqlite_file: Path, env: Mapping[str, str] | None = None) -> ConversationReader:
        """The shared PostgreSQL database when `DB_HOST` is set, else Rasa's SQLite file."""
        database = Database.from_env(os.environ if env is None else env)
        return cls(database.url() if database else sqlite_file)

    def around(
        self,
        sender: str,
        *,
        message_id: str | None = None,
        asked: datetime,
        before: int = 4,
        after: int = 2,
    ) -> list[Utterance]:
        """Up to `before` messages before the question, the question, and `after` messages after it.

        Empty when the conversation store has nothing for it (deleted, another store, not reachable).
        """
        lines = self._utterances(sender, asked)
        found = [
            i for i, (line, mid) in enumerate(lines) if line.speaker == "user" and message_id and mid == message_id
        ]
        if not found:  # no id: the last user message up to a few seconds after the logged time
            found = [
                i
                for i, (line, _) in enumerate(lines)
                if line.speaker == "user" and line.time <= asked + timedelta(seconds=5)
            ][-1:]
        if not found:
            return []
        at = found[-1]
        return [
            Utterance(line.speaker, line.text, line.time, asked=i == at)
            for i, (line, _) in enumerate(lines)
            if at - before <= i <= at + after
        ]

    def _utterances(self, sender: str, asked: datetime) -> list[tuple[Utterance, str | None]]:
        if self._engine is None:
            return []
        query = (
            sa.select(_events.c.type_name, _events.c.timestamp, _events.c.data)
            .where(
                _events.c.sender_id == sender,
                _events.c.type_name.in_(("user", "bot")),
                _events.c.timestamp.between((asked - WINDOW).timestamp(), (asked + WINDOW).timestamp()),
            )
            .order_by(_events.c.id)
        )
        try:
            with self._engine.connect() as db:
                if db.dialect.name == "postgresql":
                    db.execute(sa.text("SET TRANSACTION READ ONLY"))
                rows = db.execute(query).all()
        except sa.exc.SQLAlchemyError as exc:
            log.warning("conversation store not readable (%s): %s", type(exc).__name__, exc)
            return []
        lines = []
        for type_name, stamp, data in rows:
            try:
                event = json.loads(data or "{}")
            except ValueError:
                continue
            text = event.get("text")
            if not isinstance(text, str) or not text:
                continue
            lines.append(
                (
                    Utterance(type_name, mask_personal_data(text), datetime.fromtimestamp(stamp or 0, UTC)),
                    event.get("message_id") if type_name == "user" else None,
                )
            )
        return lines
