"""The feedback store of the action-server process (path from endpoints.yml)."""

from __future__ import annotations

from functools import lru_cache

from bot.feedback.store import FeedbackStore
from bot.settings import Settings


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    return FeedbackStore(Settings.load().feedback_db)
