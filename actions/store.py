"""The feedback store of the action-server process (SQLite path from endpoints.yml, or PostgreSQL
when DB_HOST is set), and what each sender may write into it (bot/feedback/limits.py)."""

from __future__ import annotations

from functools import lru_cache

from bot.feedback.limits import FeedbackGate
from bot.feedback.store import FeedbackStore, Kind
from bot.settings import Settings


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    return FeedbackStore.open(Settings.load().feedback_db)


@lru_cache(maxsize=1)
def feedback_gate() -> FeedbackGate:
    return FeedbackGate(per_hour=Settings.load().feedback_per_hour)


def record_feedback(kind: Kind, *, sender: str, question: str, answer: str, sources: list[str]) -> bool:
    """Store a rating or an unanswered question, unless the sender's bounds say no; whether stored."""
    if not feedback_gate().admit(kind, sender, question=question, answer=answer):
        return False
    feedback_store().record(kind, sender=sender, question=question, answer=answer, sources=sources)
    return True
