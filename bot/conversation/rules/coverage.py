"""Whether the knowledge base answers the message at all: below `min_confidence` it does not."""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed


class Coverage:
    name = "coverage"

    def decide(self, ev: Evidence) -> Outcome:
        confidence, threshold = ev.result.confidence, ev.settings.min_confidence
        if not ev.confident:
            return Decided(ev.not_found(), "below the threshold", confidence=confidence, threshold=threshold)
        return Passed("above the threshold", confidence=confidence, threshold=threshold)
