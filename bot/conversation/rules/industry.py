"""An industry follow-up the context has nothing for ("那在零售业呢", "银行的呢" after an entry
without it), below the threshold or with no words but the industry: that industry's application
or case elsewhere, else the context's own application, with a note that the industry has no
content of its own."""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import definition, section


class IndustryFollowUp:
    name = "industry_follow_up"

    def decide(self, ev: Evidence) -> Outcome:
        request, index = ev.request, ev.index
        if not (ev.carried and request.industry and request.follow_up):
            return Passed("not an industry follow-up")
        if ev.confident and ev.subject.chunks:
            return Passed("words of its own above the threshold: retrieval decides", industry=request.industry)
        roles = index.routing.roles
        elsewhere = [
            h.passage
            for h in ev.hits
            if request.industry in h.passage.industries
            and (h.passage.kind == roles.application or ev.is_case(h.passage.entry_id))
        ]
        if elsewhere:
            return Decided(
                ev.answer(elsewhere[0]), "the industry's application or case elsewhere", industry=request.industry
            )
        entry = ev.carried[0]
        passage = section(
            entry, [roles.application], None, index, ev.hits, lead=ev.settings.alternative_margin
        ) or definition(entry, index)
        return Decided(ev.answer(passage), "the context's application, the industry noted", industry=request.industry)
