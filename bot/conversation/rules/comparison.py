"""Two or more named entries compared: their definitions side by side."""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import definition

COMPARISON_INTENT = "ask_comparison"


class Comparison:
    name = "comparison"

    def decide(self, ev: Evidence) -> Outcome:
        if ev.request.intent != COMPARISON_INTENT or len(ev.named) < 2:
            return Passed("not a comparison of two named entries", named=ev.named)
        passages = [definition(t, ev.index) for t in ev.named[:3]]
        return Decided(Decision("compare", passages), "compares the named entries", entries=ev.named[:3])
