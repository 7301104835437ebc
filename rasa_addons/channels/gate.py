"""Which waiting turn runs next while the server is full: the one whose client has sent least lately.

Rasa answers turns on one event loop. With more turns let in than it can run, they share the loop in
the order they arrived, so a person's question waits behind every flood message already admitted:
sixteen flooding addresses, each held to the human pace of `when_busy` (12 a minute), still send
three times what two cores answer of 500-character messages, and another user's p95 reached 6.4 s
on CI (limits.py). The gate lets `at_once` turns run; the others wait, and a freed place goes to the
waiting turn of the highest standing (the tokens left in its client's human-pace bucket: a person
asking now and then has them all, a client that sends as fast as it may has none), first come first
served between equals. A person's question then waits for a turn in progress, not for a queue.

Usage:
    gate = FairGate(at_once=2)
    async with gate.place(standing=3.0):
        await answer(message)
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class FairGate:
    """At most `at_once` turns at a time; the rest wait, the highest standing first."""

    def __init__(self, at_once: int) -> None:
        if at_once < 1:
            raise ValueError(f"a gate lets at least one turn through, not {at_once}")
        self.at_once = at_once
        self.running = 0
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @property
    def waiting(self) -> int:
        return sum(not future.done() for _, _, future in self._waiting)

    @asynccontextmanager
    async def place(self, standing: float) -> AsyncIterator[None]:
        await self._enter(standing)
        try:
            yield
        finally:
            self._leave()

    async def _enter(self, standing: float) -> None:
        if self.running < self.at_once:  # then nobody waits: a leaving turn hands its place on first
            self.running += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (-standing, next(self._arrivals), future))
        try:
            await future  # a leaving turn hands its place over (running stays counted)
        except asyncio.CancelledError:  # the client went away while waiting
            if future.done() and not future.cancelled():  # ... just as the place was handed over
                self._leave()
            raise

    def _leave(self) -> None:
        while self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():  # skips turns whose client went away
                future.set_result(None)
                return
        self.running -= 1
