"""Typed reads of the turn log and the ratings, for the inbox and the dashboard.

Rows come back as frozen dataclasses with parsed times and lists, expired rows already deleted
(FeedbackStore.reading). Times are timezone-aware (UTC); callers convert for display.

Usage:
    turns = load_turns(store, statuses=("not_found",))
    turns[0].question, turns[0].created.date()
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.feedback.schema import feedback, turns
from bot.feedback.store import FeedbackStore, timestamp


@dataclass(frozen=True)
class StoredTurn:
    id: int
    created: datetime
    sender: str
    question: str  # masked
    status: str  # answer, not_found, clarify
    entry_id: str | None
    section: str | None
    passages: tuple[str, ...]
    margin: float | None
    decided_by: str | None
    message_id: str | None


@dataclass(frozen=True)
class StoredRating:
    id: int
    created: datetime
    kind: str  # positive, negative
    sender: str
    question: str  # masked
    answer: str
    sources: tuple[str, ...]  # citations as the user saw them
    turn_id: int | None  # the turn rated (None for ratings stored before the turn log)


def load_turns(
    store: FeedbackStore, statuses: Sequence[str] | None = None, since: datetime | None = None
) -> list[StoredTurn]:
    """Turns in the order they were asked, optionally only some statuses or since a time."""
    query = sa.select(turns).order_by(turns.c.id)
    if statuses is not None:
        query = query.where(turns.c.status.in_(list(statuses)))
    if since is not None:
        query = query.where(turns.c.created >= timestamp(since))
    with store.reading() as db:
        rows = db.execute(query).all()
    return [
        StoredTurn(
            id=row.id,
            created=datetime.fromisoformat(row.created),
            sender=row.sender,
            question=row.question,
            status=row.status,
            entry_id=row.entry_id,
            section=row.section,
            passages=tuple(json.loads(row.passages or "[]")),
            margin=row.margin,
            decided_by=row.decided_by,
            message_id=row.message_id,
        )
        for row in rows
    ]


def load_ratings(store: FeedbackStore, kinds: Sequence[str] = ("positive", "negative")) -> list[StoredRating]:
    query = sa.select(feedback).where(feedback.c.kind.in_(list(kinds))).order_by(feedback.c.id)
    with store.reading() as db:
        rows = db.execute(query).all()
    return [
        StoredRating(
            id=row.id,
            created=datetime.fromisoformat(row.created),
            kind=row.kind,
            sender=row.sender,
            question=row.question,
            answer=row.answer,
            sources=tuple(json.loads(row.sources or "[]")),
            turn_id=row.turn_id,
        )
        for row in rows
    ]
