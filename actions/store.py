"""The feedback store of the action-server process (SQLite file under endpoints.yml's state_dir, or
PostgreSQL when DB_HOST is set): turn log, ratings; questions kept `retention_days`."""

from __future__ import annotations

from functools import lru_cache

from bot.feedback.store import FeedbackStore
from bot.settings import Settings


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    settings = Settings.load()
    return FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
