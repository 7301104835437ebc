"""Rasa's SQL tracker store, minus its silent fall-back to memory.

- connections are checked before use (`pool_pre_ping`), so a restarted PostgreSQL is reconnected
  on the next turn without losing it;
- an operation that still fails is retried once, then fails the turn with
  `TrackerStoreUnavailable` and an error line for the operator (no password in it).

Registered by module path in the endpoints file that bot/serving.py renders:

    tracker_store:
      type: rasa_addons.stores.tracker.StrictSQLTrackerStore
      dialect: postgresql          # or sqlite (the default of `make run`), with db: <file>
      url: localhost
      port: 5433
      db: rasa
      username: rasa
      password: ${DB_PASSWORD}
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.errors import TrackerStoreUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


class StrictSQLTrackerStore(SQLTrackerStore):
    """See the module docstring; arguments are those of Rasa's `SQLTrackerStore`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._where = f"{url.get_backend_name()} {url.host or url.database}"

    async def _strict(self, what: str, operation: Callable[[], Awaitable[T]]) -> T:
        """Run `operation`; once more on a database error; then fail the turn."""
        try:
            return await operation()
        except sqlalchemy.exc.SQLAlchemyError as exc:
            log.warning("tracker store (%s): %s failed, retrying: %s", self._where, what, type(exc).__name__)
        try:
            return await operation()
        except sqlalchemy.exc.SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
            log.error("tracker store (%s) unavailable: %s failed twice: %s", self._where, what, reason)
            raise TrackerStoreUnavailable(f"{self._where}: {what} failed") from exc

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._strict("retrieve", lambda: super(StrictSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._strict(
            "retrieve_full_tracker",
            lambda: super(StrictSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._strict("save", lambda: super(StrictSQLTrackerStore, self).save(tracker))

    async def keys(self) -> Iterable[str]:
        return await self._strict("keys", lambda: super(StrictSQLTrackerStore, self).keys())
