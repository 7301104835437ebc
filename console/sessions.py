"""Log-in sessions and failed log-ins, kept in SQLite so a restart logs nobody out and locks stay.

Only a hash of each session token is stored: a copy of the database opens no session. A session
ends after `idle` without a request, after `lifetime` in any case, at log-out, and when its
trainer is removed or changes password (`end_all`). Failed log-ins are counted per name and per
address over the lock-out window; older rows are dropped as new ones come, so the table stays small.

Usage:
    store = SessionStore(Path("var/console/console.db"), idle=3600, lifetime=43200)
    token, session = store.create("zhangsan")
    store.get(token).csrf  # the token every form of this session carries
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY, trainer TEXT NOT NULL, csrf TEXT NOT NULL, created REAL NOT NULL, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_trainer ON sessions (trainer);
CREATE TABLE IF NOT EXISTS failures (name TEXT NOT NULL, address TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failures_at ON failures (at);
"""
#: A session's last-seen time is written at most this often (seconds).
_TOUCH_EVERY = 30.0


@dataclass(frozen=True)
class Session:
    trainer: str
    csrf: str
    created: float


class SessionStore:
    def __init__(self, path: Path, idle: float, lifetime: float) -> None:
        if idle <= 0 or lifetime <= 0:
            raise ValueError("idle and lifetime must be positive")
        self.path = Path(path)
        self.idle = idle
        self.lifetime = lifetime
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    # --- sessions ---------------------------------------------------------------------------

    def create(self, trainer: str) -> tuple[str, Session]:
        token, now = secrets.token_urlsafe(32), time.time()
        session = Session(trainer, secrets.token_urlsafe(32), now)
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE seen < ? OR created < ?", (now - self.idle, now - self.lifetime))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", (_key(token), trainer, session.csrf, now, now))
        return token, session

    def get(self, token: str) -> Session | None:
        if not token or len(token) > 100:
            return None
        now = time.time()
        with self._db() as db:
            row = db.execute(
                "SELECT trainer, csrf, created, seen FROM sessions WHERE key = ?", (_key(token),)
            ).fetchone()
            if row is None:
                return None
            trainer, csrf, created, seen = row
            if now - seen > self.idle or now - created > self.lifetime:
                db.execute("DELETE FROM sessions WHERE key = ?", (_key(token),))
                return None
            if now - seen > _TOUCH_EVERY:
                db.execute("UPDATE sessions SET seen = ? WHERE key = ?", (now, _key(token)))
        return Session(trainer, csrf, created)

    def end(self, token: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE key = ?", (_key(token),))

    def end_all(self, trainer: str) -> int:
        """End every session of a trainer (removed, or a new password); how many there were."""
        with self._db() as db:
            return db.execute("DELETE FROM sessions WHERE trainer = ?", (trainer,)).rowcount

    # --- failed log-ins ---------------------------------------------------------------------

    def record_failure(self, name: str, address: str, window: float) -> None:
        now = time.time()
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - window,))
            db.execute("INSERT INTO failures VALUES (?, ?, ?)", (name[:64], address[:64], now))

    def locked_for(self, name: str, address: str, failures: int, window: float) -> float:
        """Seconds until `name` (after `failures` failures) or `address` (after 4×) may try again; 0 if now."""
        since = time.time() - window
        with self._db() as db:
            by_name = db.execute(
                "SELECT COUNT(*), MIN(at) FROM (SELECT at FROM failures WHERE name = ? AND at >= ? ORDER BY at DESC LIMIT ?)",
                (name[:64], since, failures),
            ).fetchone()
            by_address = db.execute(
                "SELECT COUNT(*), MIN(at) FROM (SELECT at FROM failures WHERE address = ? AND at >= ? ORDER BY at DESC LIMIT ?)",
                (address[:64], since, failures * 4),
            ).fetchone()
        waits = [
            first + window - time.time()
            for (count, first), limit in ((by_name, failures), (by_address, failures * 4))
            if count >= limit
        ]
        return max([0.0, *waits])

    def clear_failures(self, name: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM failures WHERE name = ?", (name[:64],))


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
