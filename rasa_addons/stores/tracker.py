"""Rasa's SQL tracker store, minus its silent fall-back to memory, and without reloading every turn.

- connections are checked before use (`pool_pre_ping`), so a restarted PostgreSQL is reconnected
  on the next turn without losing it;
- an operation that still fails is retried once, then fails the turn with
  `TrackerStoreUnavailable` and an error line for the operator (no password in it);
- the tracker a turn saved is kept in memory (`TrackerCache`, `cached_conversations` of them,
  default 500) and reused by the next turn when the database's last event id for the conversation
  is unchanged, i.e. no other server wrote to it; otherwise it is reloaded as Rasa does;
- the events to append are counted from what this store loaded or saved, not with a `COUNT` query
  over the session per save, and written in one multi-row insert instead of one ORM object each;
- the kept tracker is a copy taken at the save (`clone`, no replay), handed out once: a change the
  caller makes to its tracker after saving it never reaches the next `retrieve`, which returns
  what the database holds, as Rasa's store (which builds a new tracker every time) does;
- SQLite (the default of `make run`) keeps its connections and uses write-ahead logging with
  `synchronous=NORMAL`: a commit no longer waits for the disk twice. A power cut can lose the last
  turns; a crash of the server cannot. A new database file is created readable by its owner only
  (0600: it holds what staff asked). PostgreSQL is the store for production.
- an in-memory SQLite database (`sqlite://`, no file; what Rasa's own tests use) is one database
  shared by all connections of the store, with Rasa's tables, as in Rasa's store.

Profiled at 10 concurrent conversations, loading and saving trackers was 38% of the Rasa server's
CPU; with the cache and the stored counts it is about a third of that.

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

import itertools
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_addons.core.tracker_copy import clone
from rasa_addons.stores.errors import TrackerStoreUnavailable
from rasa_addons.stores.files import private_file
from rasa_addons.stores.tracker_cache import TrackerCache

log = logging.getLogger(__name__)
T = TypeVar("T")

# Set on a tracker this store loaded or saved: how many of its first events the database holds.
STORED = "_stored_event_count"


def sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Write-ahead log and NORMAL sync: readers never block the writer, a commit is one write."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def in_memory(url: sa.engine.URL) -> bool:
    """An SQLite URL without a file (`sqlite://`, `sqlite:///:memory:`)."""
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """One pool of connections to a file, or one connection to an in-memory database, shared by
    threads (each new connection to `sqlite://` would be a new, empty database)."""
    if in_memory(url):
        engine = sa.create_engine(url, poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False})
    else:
        private_file(url.database)
        engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
    sa.event.listen(engine, "connect", sqlite_pragmas)
    return engine


def continues_one_session(tracker: DialogueStateTracker, known: int = 1) -> bool:
    """False if a session started within the tracker: a reload would hold the new session only.

    `known`: how many first events are known to hold no session start after the first event (those
    of a tracker kept or loaded by this store); only the events after them are looked at."""
    return not any(isinstance(event, SessionStarted) for event in itertools.islice(tracker.events, max(1, known), None))


class StrictSQLTrackerStore(SQLTrackerStore):
    """See the module docstring; arguments are those of Rasa's `SQLTrackerStore`."""

    def __init__(self, *args: Any, cached_conversations: int = 500, **kwargs: Any) -> None:
        if kwargs.get("dialect") == "sqlite" and kwargs.get("db") not in (None, "", ":memory:"):
            private_file(kwargs["db"])  # before Rasa's store opens it, with the process's umask
        super().__init__(*args, **kwargs)
        url = self.engine.url
        self.engine.dispose()
        if url.get_backend_name() == "sqlite":
            self.engine = sqlite_engine(url)
            if in_memory(url):  # the old engine's database went with it: Rasa's tables, anew
                self.Base.metadata.create_all(self.engine)
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._where = f"{url.get_backend_name()} {url.host or url.database}"
        self._cache = TrackerCache(int(cached_conversations))
        self._last_event_query = sa.select(sa.func.max(self.SQLEvent.id)).where(
            self.SQLEvent.sender_id == sa.bindparam("sender_id")
        )

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
        return await self._strict("retrieve", lambda: self._retrieve_kept_or_stored(sender_id))

    async def _retrieve_kept_or_stored(self, sender_id: str) -> DialogueStateTracker | None:
        # The database is asked for the last event id only when there is a kept tracker to check.
        tracker = self._cache.take(sender_id, self._last_event_id(sender_id)) if sender_id in self._cache else None
        if tracker is None:
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                setattr(tracker, STORED, len(tracker.events))
        return tracker

    def _last_event_id(self, sender_id: str) -> int | None:
        """One indexed lookup on a pooled connection (no ORM session: this runs twice per turn)."""
        with self.engine.connect() as connection:
            return connection.execute(self._last_event_query, {"sender_id": sender_id}).scalar()

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._strict(
            "retrieve_full_tracker",
            lambda: super(StrictSQLTrackerStore, self).retrieve_full_tracker(conversation_id),
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._cache.drop(tracker.sender_id)
        await self._strict("save", lambda: self._save_and_keep(tracker))

    async def _save_and_keep(self, tracker: DialogueStateTracker) -> None:
        stored = getattr(tracker, STORED, None)
        known = stored or 1  # a tracker this store kept or loaded holds one session
        if stored is None:
            await super().save(tracker)  # Rasa's way: count what the session holds, append the rest
            if getattr(tracker, STORED, None) is None:
                return  # a tracker from elsewhere (e.g. replaced over the HTTP API): the next turn reloads
        else:
            await self.stream_events(tracker)
            self._append(tracker, stored)
        setattr(tracker, STORED, len(tracker.events))
        if continues_one_session(tracker, known):  # kept as saved: later changes of the caller's object stay out
            self._cache.put(clone(tracker), self._last_event_id(tracker.sender_id))

    def _append(self, tracker: DialogueStateTracker, stored: int) -> None:
        """Rasa's rows for the events after the first `stored`, in one multi-row insert.

        Rasa adds one ORM object per event (a flush per turn was a sixth of the server's CPU)."""
        rows = []
        for event in itertools.islice(tracker.events, stored, None):
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        if rows:
            with self.engine.begin() as connection:
                connection.execute(self.SQLEvent.__table__.insert(), rows)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """The events after those the database holds, counted as Rasa does; with nothing stored for
        the session yet, the tracker is marked so that later saves need no count."""
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        if stored == 0:
            setattr(tracker, STORED, 0)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def keys(self) -> Iterable[str]:
        return await self._strict("keys", lambda: super(StrictSQLTrackerStore, self).keys())
