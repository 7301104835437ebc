"""The feedback store of the action-server process (SQLite file under endpoints.yml's state_dir, or
PostgreSQL when DB_HOST is set): turn log, ratings; questions kept `retention_days`; and what each
sender may write into it (bot/feedback/limits.py)."""

from __future__ import annotations

from functools import lru_cache

from bot.feedback.limits import FeedbackGate
from bot.feedback.store import FeedbackStore, Kind, TurnRecord
from bot.settings import Settings


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    settings = Settings.load()
    return FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)


@lru_cache(maxsize=1)
def feedback_gate() -> FeedbackGate:
    return FeedbackGate(per_hour=Settings.load().feedback_per_hour)


def record_feedback(kind: Kind, *, sender: str, question: str, answer: str, sources: list[str]) -> bool:
    """Store a rating, unless the sender's bounds say no; whether stored."""
    if not feedback_gate().admit(kind, sender, question=question, answer=answer):
        return False
    feedback_store().record(kind, sender=sender, question=question, answer=answer, sources=sources)
    return True


def record_turn(record: TurnRecord) -> bool:
    """Log a turn; whether stored. An unanswered question is logged once per sender and counts
    against the sender's hourly bound (it feeds `kb report` and the inbox); answered and clarified
    turns are always logged (usage), bounded by the Rasa server's rate limits and the retention."""
    if record.status == "not_found" and not feedback_gate().admit(
        "unanswered", record.sender, question=record.question, answer=""
    ):
        return False
    feedback_store().record_turn(record)
    return True
