"""How much one sender can write into the feedback store.

Measured before: one sender recorded 200 👎 in 18 seconds and 300 unanswered questions in 41,
enough to put any answer at the top of `kb report` and to bury the questions trainers should see.
A record goes in only if

- it is the sender's first rating of that answer (a second 👍 or 👎 of the same answer by the
  same sender, in either direction, is not counted again);
- it is the sender's first record of that unanswered question in the turn log (the same words
  again, compared as they are stored: masked by bot/feedback/privacy.py, are one unanswered
  question, not several);
- the sender has recorded fewer than `per_hour` things in the last hour.

The memory is this action server's (bounded: the least recently seen keys are forgotten beyond
`remember`, and every key after a day); the Rasa server's rate limits bound what reaches it too.

Usage:
    gate = FeedbackGate(per_hour=30)
    gate.admit("negative", "rest:u1", question="什么是移情服务", answer="移情服务是……")  # → True
    gate.admit("negative", "rest:u1", question="什么是移情服务", answer="移情服务是……")  # → False
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bot.feedback.privacy import mask_personal_data

HOUR = 3600.0
DAY = 86400.0


class FeedbackGate:
    def __init__(self, per_hour: int = 30, remember: int = 20_000, clock: Callable[[], float] = time.monotonic) -> None:
        if per_hour < 1 or remember < 1:
            raise ValueError("per_hour and remember must be at least 1")
        self.per_hour = per_hour
        self._remember = remember
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # key -> when
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()  # sender -> times of its records

    def admit(self, kind: str, sender: str, *, question: str, answer: str) -> bool:
        """Whether this record should be stored; remembers it if so."""
        now = self._clock()
        self._forget(now)
        if kind == "unanswered":
            key = _key("unanswered", sender, " ".join(mask_personal_data(question).split()))
        else:
            key = _key("rating", sender, answer)  # 👍 and 👎 alike: one rating per answer
        if key in self._seen:
            return False
        times = self._recent.pop(sender, deque())
        while times and now - times[0] >= HOUR:
            times.popleft()
        if len(times) >= self.per_hour:
            self._recent[sender] = times
            return False
        times.append(now)
        self._recent[sender] = times
        self._seen[key] = now
        self._trim()
        return True

    def _forget(self, now: float) -> None:
        while self._seen:
            key, at = next(iter(self._seen.items()))
            if now - at < DAY:
                break
            del self._seen[key]

    def _trim(self) -> None:
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        while len(self._recent) > self._remember:
            self._recent.popitem(last=False)


def _key(kind: str, sender: str, text: str) -> str:
    return hashlib.sha256(f"{kind}\0{sender}\0{text}".encode()).hexdigest()
