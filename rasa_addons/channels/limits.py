"""How fast one sender, and one client address, may send messages: token buckets.

Measured without limits, 16 clients sending 500-character messages pushed another user's p95 to
11 s and a third of their turns to 「知识服务暂时不可用」: the Rasa server answers one turn at a time
per core, and nothing stopped one client from taking them all. Each sender (a conversation id,
so per channel) and each client address gets a bucket of `burst` messages that refills at
`per_minute`; a message that finds its buckets empty is refused at once, before the bot runs,
with how many seconds to wait. A refusal costs next to nothing.

Those limits are loose enough for a branch office behind one address (NAT, proxy), and so loose
enough for sixteen flooding addresses together to fill the server. Hence `when_busy`: while
`turns_in_progress` turns or more are being answered (the server is queueing), every client
(sender and address) may send only at a human pace (`burst`, `per_minute`); its bucket counts
its messages all the time and is enforced only then. A person asking every few seconds never
meets it; a client that has been sending fast is refused until the server has room again, so
the others are answered as if it were not there. A client that waits for each answer and asks
again at once never exceeds a per-minute pace on a slow server (sixteen of them sent 375 messages
in ten minutes, none refused, and another user's p95 went from 0.26 to 7.3 s), so while busy a
client must also let `min_gap` seconds pass after its last answer: a person reads it first. Even
so, sixteen clients at that pace send more than the server answers. With `at_once` set, at most
that many turns run at once and the others wait in a `FairGate` (gate.py), which lets the client
with the most human-pace tokens left go first. Three at once by default: measured on two cores
(README, rate limits), three took a flooded user's p95 from 0.74-2.15 s to 0.60-0.90 s for 40-43
knowledge answers/s against 44-59 without the gate; two at once gave 0.48-0.78 s but 33/s, the Rasa
and action servers then waiting for each other.

Behind nginx the address is the client's (X-Forwarded-For, counted by Sanic's `PROXIES_COUNT`,
which `scripts/run-cluster.sh` sets). WeCom is limited per sender only: all its callbacks come
from WeCom's servers. The buckets are per Rasa process: in a cluster of N servers behind
round-robin nginx, a client gets at most N times the limit.

Settings (endpoints.yml, read by rasa_addons.serve; `null` turns one limit off; env
`RASA_RATE_LIMITS=off` turns them all off, for load benchmarks only):

    rate_limits:
      per_sender: {burst: 10, per_minute: 20}
      per_address: {burst: 30, per_minute: 60}
      when_busy: {turns_in_progress: 2, burst: 3, per_minute: 12, min_gap: 3, at_once: 3}

Usage:
    limits = RateLimits.from_settings({"per_sender": {"burst": 2, "per_minute": 6}})
    limits.wait("rest:u1", "10.0.0.7"), limits.wait("rest:u1", "10.0.0.7"), limits.wait("rest:u1", "10.0.0.7")
    # → (None, None, 10.0): the third message must wait ten seconds
    async with limits.turn("rest:u1"):   # around answering a message: what `when_busy` counts
        ...
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from rasa_addons.channels.gate import FairGate

V = TypeVar("V")

#: Buckets kept per limit; the least recently used beyond it are forgotten (a full bucket again).
MAX_KEYS = 50_000
DEFAULTS: dict[str, dict[str, float] | None] = {
    "per_sender": {"burst": 10, "per_minute": 20},
    "per_address": {"burst": 30, "per_minute": 60},
    "when_busy": {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "min_gap": 3, "at_once": 3},
}


@dataclass(frozen=True)
class Rate:
    burst: float
    per_minute: float

    def __post_init__(self) -> None:
        if not (self.burst >= 1 and self.per_minute > 0):
            raise ValueError(f"a rate limit needs burst >= 1 and per_minute > 0, not {self}")

    @classmethod
    def parse(cls, name: str, value: Any) -> Rate | None:
        if value is None:
            return None
        if not isinstance(value, Mapping) or set(value) != {"burst", "per_minute"}:
            raise ValueError(f"rate_limits.{name}: expected {{burst: N, per_minute: M}} or null, not {value!r}")
        return cls(float(value["burst"]), float(value["per_minute"]))


class TokenBuckets:
    """One bucket per key: `rate.burst` tokens, refilled at `rate.per_minute`."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def take(self, key: str, enforce: bool = True) -> float | None:
        """Take a token for `key`: None if there was one, else the seconds until there is.
        Not `enforce`d, a message still empties the bucket but always goes ahead."""
        now = self._clock()
        tokens = self.tokens(key, now)
        wait = None
        if tokens >= 1 or not enforce:
            tokens = max(0.0, tokens - 1)
        else:
            wait = (1 - tokens) * 60 / self.rate.per_minute
        _remember(self._buckets, key, (tokens, now), self._max_keys)
        return wait

    def tokens(self, key: str, now: float | None = None) -> float:
        """How many messages `key` may send now, taking none."""
        now = self._clock() if now is None else now
        tokens, at = self._buckets.get(key, (self.rate.burst, now))
        return min(self.rate.burst, tokens + (now - at) * self.rate.per_minute / 60)


@dataclass(frozen=True)
class WhenBusy:
    turns_in_progress: int
    rate: Rate
    min_gap: float = 0.0  # seconds after a client's last answer before it may send again
    at_once: int | None = None  # turns answered at once, the rest wait at the gate (None: no gate)

    @classmethod
    def parse(cls, value: Any) -> WhenBusy | None:
        if value is None:
            return None
        keys = {"turns_in_progress", "burst", "per_minute"}
        if not isinstance(value, Mapping) or not keys <= set(value) <= keys | {"min_gap", "at_once"}:
            raise ValueError(
                "rate_limits.when_busy: expected {turns_in_progress: N, burst: N, per_minute: M, min_gap: S, at_once: N} "
                f"or null, not {value!r}"
            )
        if int(value["turns_in_progress"]) < 1:
            raise ValueError("rate_limits.when_busy.turns_in_progress must be at least 1")
        min_gap = float(value.get("min_gap") or 0)
        if min_gap < 0:
            raise ValueError("rate_limits.when_busy.min_gap must not be negative")
        rate = Rate(float(value["burst"]), float(value["per_minute"]))
        at_once = value.get("at_once")
        if at_once is not None and int(at_once) < 1:
            raise ValueError("rate_limits.when_busy.at_once must be at least 1 (or null: no gate)")
        return cls(int(value["turns_in_progress"]), rate, min_gap, None if at_once is None else int(at_once))


class RateLimits:
    """The sender and address limits of one Rasa process, and how busy it is."""

    def __init__(
        self,
        per_sender: Rate | None,
        per_address: Rate | None,
        when_busy: WhenBusy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.senders = TokenBuckets(per_sender, clock) if per_sender else None
        self.addresses = TokenBuckets(per_address, clock) if per_address else None
        self.when_busy = when_busy
        self.busy_clients = TokenBuckets(when_busy.rate, clock) if when_busy else None
        self.gate = FairGate(when_busy.at_once) if when_busy and when_busy.at_once else None
        self.in_progress = 0  # running or waiting at the gate
        self._clock = clock
        self._answered: OrderedDict[str, float] = OrderedDict()  # client key -> when its last answer went out
        self._standing: OrderedDict[str, float] = OrderedDict()  # sender -> its client's tokens when admitted

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any] | None, clock: Callable[[], float] = time.monotonic
    ) -> RateLimits:
        settings = {**DEFAULTS, **(settings or {})}
        unknown = sorted(set(settings) - set(DEFAULTS))
        if unknown:
            raise ValueError(f"rate_limits: unknown keys {unknown}; known: {sorted(DEFAULTS)}")
        return cls(
            Rate.parse("per_sender", settings["per_sender"]),
            Rate.parse("per_address", settings["per_address"]),
            WhenBusy.parse(settings["when_busy"]),
            clock,
        )

    @classmethod
    def off(cls) -> RateLimits:
        return cls(None, None)

    @property
    def enabled(self) -> bool:
        return bool(self.senders or self.addresses or self.when_busy)

    @property
    def busy(self) -> bool:
        return self.when_busy is not None and self.in_progress >= self.when_busy.turns_in_progress

    @asynccontextmanager
    async def turn(self, sender: str) -> AsyncIterator[None]:
        """Around answering one message of `sender` (the reply guard does it): what `when_busy`
        counts, and where the turn waits for its place while the server is full."""
        standing = self._standing.pop(sender, math.inf)  # not admitted through the limits: no evidence against it
        self.in_progress += 1
        try:
            if self.gate:
                async with self.gate.place(standing):
                    yield
            else:
                yield
        finally:
            self.in_progress -= 1

    def answered(self, sender: str, address: str | None) -> None:
        """A client's answer went out: while busy, it may send again `min_gap` seconds later."""
        now = self._clock()
        for key in (f"sender {sender}", f"address {address}" if address else None):
            if key:
                _remember(self._answered, key, now)

    def _client(self, key: str) -> float | None:
        """The human-pace bucket of a sender or an address: counted always, enforced when busy;
        and while busy, the reading time after its last answer."""
        wait = self.busy_clients.take(key, enforce=self.busy) if self.busy_clients else None
        if self.busy and self.when_busy and key in self._answered:
            reading = self.when_busy.min_gap - (self._clock() - self._answered[key])
            wait = _longest(wait, reading if reading > 0 else None)
        return wait

    def wait_address(self, address: str | None) -> float | None:
        """Seconds this address must wait before its next message, or None to go ahead."""
        if not address:
            return None
        return _longest(self.addresses.take(address) if self.addresses else None, self._client(f"address {address}"))

    def wait_sender(self, sender: str, address: str | None = None) -> float | None:
        """Seconds this sender must wait, or None to go ahead; then its turn's standing at the gate
        is the fewer human-pace tokens of the sender's and the address's (the address's check
        comes first, `wait_address`)."""
        wait = _longest(self.senders.take(sender) if self.senders else None, self._client(f"sender {sender}"))
        if wait is None and self.gate and self.busy_clients:  # only the gate reads a standing
            keys = [f"sender {sender}"] + ([f"address {address}"] if address else [])
            _remember(self._standing, sender, min(self.busy_clients.tokens(key) for key in keys))
        return wait

    def wait(self, sender: str, address: str | None) -> float | None:
        """All limits; each message counts against every bucket."""
        return _longest(self.wait_address(address), self.wait_sender(sender, address))


def _remember(recent: OrderedDict[str, V], key: str, value: V, max_keys: int = MAX_KEYS) -> None:
    """Set `key` as the most recent entry, forgetting the least recent beyond `max_keys`."""
    recent.pop(key, None)
    recent[key] = value
    while len(recent) > max_keys:
        recent.popitem(last=False)


def _longest(*waits: float | None) -> float | None:
    present = [w for w in waits if w is not None]
    return max(present) if present else None


def whole_seconds(wait: float) -> int:
    """How long to tell a person to wait: whole seconds, at least one."""
    return max(1, math.ceil(wait))


_limits = RateLimits.from_settings(None)


def limits() -> RateLimits:
    """The limits of this process (the defaults until `configure` is called)."""
    return _limits


def configure(settings: Mapping[str, Any] | None, enabled: bool = True) -> RateLimits:
    """Set this process's limits (rasa_addons.serve does, from endpoints.yml, before Rasa starts)."""
    global _limits
    _limits = RateLimits.from_settings(settings) if enabled else RateLimits.off()
    return _limits
