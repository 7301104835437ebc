"""A settable clock of seconds (time.monotonic's shape) for limits, de-duplication and token caches.
Standard library only: the tests of both virtual environments use it.

Usage:
    clock = SecondsClock(1000.0)
    clock.now += 10  # ten seconds later
"""

from __future__ import annotations


class SecondsClock:
    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
