"""The feedback store of the action-server process (SQLite path from endpoints.yml, or PostgreSQL
when DB_HOST is set)."""

from __future__ import annotations

from functools import lru_cache

from bot.feedback.store import FeedbackStore
from bot.settings import Settings


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    return FeedbackStore.open(Settings.load().feedback_db)
