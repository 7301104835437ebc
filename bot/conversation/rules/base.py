"""What a rule of the answer policy returns: it decided the turn, or it passed, and why.

Usage:
    class Greeting:
        name = "greeting"
        def decide(self, evidence: Evidence) -> Outcome:
            return Passed("no greeting")
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence


class Decided:
    """The rule decided the turn; `evidence` is what it decided on (recorded in the trace)."""

    __slots__ = ("decision", "reason", "evidence")

    def __init__(self, decision: Decision, reason: str, **evidence: Any) -> None:
        self.decision, self.reason, self.evidence = decision, reason, evidence


class Passed:
    """The rule leaves the turn to the next one, and says why."""

    __slots__ = ("reason", "evidence")

    def __init__(self, reason: str, **evidence: Any) -> None:
        self.reason, self.evidence = reason, evidence


Outcome = Decided | Passed


class Rule(Protocol):
    """One independent piece of the decision: it decides with its own evidence or passes."""

    name: str

    def decide(self, evidence: Evidence) -> Outcome: ...
