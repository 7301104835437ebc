"""The default: retrieval found the subject, the kind asked picks its section ("…怎么办" → the steps)."""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import section


class BestPassage:
    name = "best_passage"

    def decide(self, ev: Evidence) -> Outcome:
        if not ev.hits:
            return Passed("nothing retrieved")
        best = ev.hits[0].passage
        kinds = ev.request.kinds
        if kinds and best.kind not in kinds:
            found = section(best.entry_id, kinds, ev.request.industry, ev.index, ev.hits, ev.request.exclude)
            if found is not None:
                return Decided(ev.answer(found), "the best entry's section of the kind asked", entry=best.entry_id)
        return Decided(ev.answer(best), "the best passage", passage=best.id)
