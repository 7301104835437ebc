"""What needs a trainer's eye: unanswered questions, 👎-rated answers, answers decided by a hair.

Read from the feedback store (turn log and ratings, already masked and within the retention
period). A turn that is both low-margin and rated down is one item with both reasons. Ratings
stored before the turn log have no turn and become items of their own. Each item has a stable key
("turn:12", "rating:5") under which trainers' handling is remembered (`inbox_marks`).

Usage:
    items = load_items(store, low_margin=0.03)
    [(i.key, sorted(i.reasons), i.question) for i in items][:1]
    # → [('turn:12', ['unanswered'], '区块链在服务中怎么用')]
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from bot.feedback.schema import feedback, inbox_marks, turns
from bot.feedback.store import FeedbackStore, timestamp

Reason = Literal["unanswered", "disliked", "low_margin"]
State = Literal["attached", "test_case", "out_of_scope", "new_entry"]
STATES: tuple[State, ...] = ("attached", "test_case", "out_of_scope", "new_entry")
#: How `kb inbox` and the console name them.
REASON_LABELS: dict[str, str] = {"unanswered": "未回答", "disliked": "👎", "low_margin": "险胜"}
STATE_LABELS: dict[str, str] = {
    "attached": "已附为示例问题",
    "test_case": "已存为测试用例",
    "out_of_scope": "不在范围内",
    "new_entry": "已新建条目",
}


@dataclass(frozen=True)
class Mark:
    """How a trainer handled an item."""

    state: State
    note: str  # e.g. the passage the question was attached to, or the new entry's id
    handled: datetime
    by: str


@dataclass(frozen=True)
class InboxItem:
    key: str
    question: str  # masked
    asked: datetime
    sender: str
    reasons: frozenset[Reason]
    answered: str | None = None  # passage id ("entry#section") answered, for rated and low-margin answers
    margin: float | None = None
    message_id: str | None = None  # Rasa's id of the message, for the conversation around it
    mark: Mark | None = None  # set when a trainer handled it


def load_items(store: FeedbackStore, low_margin: float) -> list[InboxItem]:
    """Every item within the retention period, handled or not, oldest first."""
    negative = sa.select(feedback.c.turn_id).where(feedback.c.kind == "negative", feedback.c.turn_id.is_not(None))
    turn_query = (
        sa.select(turns)
        .where(
            sa.or_(
                turns.c.status == "not_found",
                sa.and_(turns.c.status == "answer", turns.c.margin < low_margin),
                turns.c.id.in_(negative),
            )
        )
        .order_by(turns.c.id)
    )
    rating_query = sa.select(feedback).where(feedback.c.kind == "negative").order_by(feedback.c.id)
    with store.reading() as db:
        turn_rows = db.execute(turn_query).all()
        ratings = db.execute(rating_query).all()
        marks = _marks(db)
    disliked = {row.turn_id for row in ratings if row.turn_id is not None}
    items = []
    for row in turn_rows:
        reasons: set[Reason] = set()
        if row.status == "not_found":
            reasons.add("unanswered")
        if row.status == "answer" and row.margin is not None and row.margin < low_margin:
            reasons.add("low_margin")
        if row.id in disliked:
            reasons.add("disliked")
        key = f"turn:{row.id}"
        items.append(
            InboxItem(
                key=key,
                question=row.question,
                asked=datetime.fromisoformat(row.created),
                sender=row.sender,
                reasons=frozenset(reasons),
                answered=(json.loads(row.passages or "[]") or [None])[0],
                margin=row.margin,
                message_id=row.message_id,
                mark=marks.get(key),
            )
        )
    for row in ratings:
        if row.turn_id is None:  # rated before the turn log: the rating is the item
            key = f"rating:{row.id}"
            items.append(
                InboxItem(
                    key=key,
                    question=row.question,
                    asked=datetime.fromisoformat(row.created),
                    sender=row.sender,
                    reasons=frozenset({"disliked"}),
                    answered=(json.loads(row.sources or "[]") or [None])[0],
                    mark=marks.get(key),
                )
            )
    return sorted(items, key=lambda item: item.asked)


def save_marks(store: FeedbackStore, keys: list[str], mark: Mark) -> None:
    """Remember how these items were handled (the latest mark of an item counts)."""
    if mark.state not in STATES:
        raise ValueError(f"unknown inbox state {mark.state!r}; one of {', '.join(STATES)}")
    rows = [
        {"item": key, "state": mark.state, "note": mark.note, "handled": timestamp(mark.handled), "handled_by": mark.by}
        for key in keys
    ]
    if rows:
        with store.writing() as db:
            db.execute(inbox_marks.insert(), rows)


def _marks(db: sa.Connection) -> dict[str, Mark]:
    rows = db.execute(sa.select(inbox_marks).order_by(inbox_marks.c.id)).all()
    return {row.item: Mark(row.state, row.note, datetime.fromisoformat(row.handled), row.handled_by) for row in rows}
