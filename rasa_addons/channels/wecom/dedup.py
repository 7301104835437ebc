"""Which callbacks were already handled, so that WeCom's retries are never answered twice.

WeCom drops a callback it got no answer to within 5 seconds and sends it again, up to three
times. A message is known by its MsgId, an event by its sender and creation time. The memory is
per process and bounded: enough for retries, which come within seconds. Several Rasa servers
behind one callback URL would need a shared store (e.g. Redis SET NX with expiry) instead.

Usage:
    seen = SeenMessages(ttl_seconds=600, max_entries=10_000)
    seen.first_time("msg:1001"), seen.first_time("msg:1001")  # → (True, False)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


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
