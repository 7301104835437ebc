"""Which callbacks were already handled, so that a retry or a replay is never answered twice.

WeCom drops a callback it got no answer to within 5 seconds and sends it again, up to three
times; behind a load balancer the retry may reach another Rasa server, and a callback captured
on the way can be replayed (within the timestamp window the channel accepts, 5 minutes) at any
server, or after a restart. A message is known by its MsgId, an event by its sender and creation
time.

- `SeenMessages`: this process's memory (bounded, 10 minutes), asked first, costs nothing;
- `RedisSeen`: Redis `SET key NX EX`, when the lock store is Redis (several servers);
- `SQLSeen`: a table `wecom_callbacks` in the conversations' database (SQLite or PostgreSQL),
  otherwise: one insert per callback, a duplicate key means "seen"; rows older than the retention
  are removed now and then.

`shared_seen(agent)` picks the shared store from Rasa's agent (its lock store, its tracker store).

Usage:
    seen = SeenMessages(ttl_seconds=600, max_entries=10_000)
    seen.first_time("msg:1001"), seen.first_time("msg:1001")  # → (True, False)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

import sqlalchemy as sa

#: How long the shared stores remember a callback: far beyond retries (seconds) and the
#: timestamp window (5 minutes) in which a replay would still be accepted.
SHARED_TTL_SECONDS = 3600
REDIS_PREFIX = "empathykb:wecom:seen:"


class SeenMessages:
    def __init__(
        self, ttl_seconds: float = 600.0, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._ttl = ttl_seconds
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """Record `key`; True unless it was recorded within the last ttl_seconds."""
        now = self._clock()
        self._expire(now)
        if key in self._seen:
            return False
        self._seen[key] = now
        if len(self._seen) > self._max:
            self._seen.popitem(last=False)
        return True

    def _expire(self, now: float) -> None:
        while self._seen:
            key, at = next(iter(self._seen.items()))
            if now - at < self._ttl:
                return
            del self._seen[key]


class SharedSeen(Protocol):
    """A record of handled callbacks that every server of a cluster shares and a restart keeps."""

    def first_time(self, key: str) -> bool: ...


class RedisSeen:
    """Usage: RedisSeen(agent.lock_store.red).first_time("ww1:msg:42")"""

    def __init__(self, redis: Any, ttl_seconds: int = SHARED_TTL_SECONDS, prefix: str = REDIS_PREFIX) -> None:
        self.redis = redis
        self.ttl = ttl_seconds
        self.prefix = prefix

    def first_time(self, key: str) -> bool:
        return bool(self.redis.set(self.prefix + key, b"1", nx=True, ex=self.ttl))


_metadata = sa.MetaData()
_callbacks = sa.Table(
    "wecom_callbacks",
    _metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("seen", sa.Float, nullable=False, index=True),
)


class SQLSeen:
    """Usage: SQLSeen(tracker_store.engine).first_time("ww1:msg:42")"""

    #: Expired rows are removed after every this many new callbacks.
    PRUNE_EVERY = 500

    def __init__(
        self, engine: sa.engine.Engine, ttl_seconds: float = SHARED_TTL_SECONDS, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.ttl = ttl_seconds
        self._clock = clock
        self._inserted = 0
        _metadata.create_all(engine)

    def first_time(self, key: str) -> bool:
        now = self._clock()
        try:
            with self.engine.begin() as db:
                db.execute(_callbacks.insert(), {"key": key[:255], "seen": now})
        except sa.exc.IntegrityError:
            return self._renewed(key[:255], now)
        self._inserted += 1
        if self._inserted % self.PRUNE_EVERY == 0:
            with self.engine.begin() as db:
                db.execute(_callbacks.delete().where(_callbacks.c.seen < now - self.ttl))
        return True

    def _renewed(self, key: str, now: float) -> bool:
        """A known key counts as new again only once it has expired (one server wins the update)."""
        with self.engine.begin() as db:
            renewed = db.execute(
                _callbacks.update().where(_callbacks.c.key == key, _callbacks.c.seen < now - self.ttl).values(seen=now)
            )
        return bool(renewed.rowcount)


def shared_seen(agent: Any) -> SharedSeen | None:
    """Redis if Rasa's lock store is Redis, else the tracker store's SQL database, else None."""
    red = getattr(getattr(agent, "lock_store", None), "red", None)
    if red is not None:
        return RedisSeen(red)
    store = getattr(agent, "tracker_store", None)
    store = getattr(store, "_tracker_store", store)  # inside Rasa's FailSafeTrackerStore
    engine = getattr(store, "engine", None)
    if isinstance(engine, sa.engine.Engine):
        return SQLSeen(engine)
    return None
