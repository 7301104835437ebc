"""A correction of the last answer redirects the question; it is no rating.

"不是问这个，我想知道具体该怎么做", "别讲理论了", "我要的是案例不是定义": the same subject, another
kind of section (the kinds the message turns away are out, see planning). "换成酒店的呢" after a
case or with a case asked: the same kind of thing in another industry, a case of that industry
(naming the industry the case is of switches nothing: "给我们酒店什么启发" after a hotel case).
A correction that names another entry is answered as asked (`named_entry`); one that says no
more than "不是这个意思" gets the context's next best passage (`follow_up`).
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.planning import CORRECT_INTENT
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import opening, section

INFORM_INTENT = "inform"


class Correction:
    name = "correction"

    def decide(self, ev: Evidence) -> Outcome:
        request, index = ev.request, ev.index
        context = ev.context
        after_case = bool(context) and ev.is_case(context[0])
        # "换成酒店的呢" after a bank case switches; "给我们酒店什么启发" after a hotel case, and
        # "对我们门店有啥启发" after any case (a part of its story asked by a cue word), stay with it
        switch = (
            request.intent == INFORM_INTENT
            and request.industry
            and after_case
            and not ev.asks_a_part_of_the_case
            and not any(request.industry in p.industries for p in index.entries.get(context[0], []))
        )
        if request.intent != CORRECT_INTENT and not switch:
            return Passed("not a correction")
        if request.topics:
            return Passed("names an entry: answered as asked", topics=request.topics)
        if not context:
            return Passed("nothing to correct")
        roles = index.routing.roles
        entry = context[0]
        shown = request.shown_entries
        # After a hotel case, "不是这个 我想要的是理论依据" asks a kind, not another hotel case.
        if request.industry and ((after_case and request.industry_said) or roles.cases in request.kinds):
            cases = [
                h.passage
                for h in ev.hits
                if ev.is_case(h.passage.entry_id)
                and request.industry in h.passage.industries
                and h.passage.entry_id not in shown
            ]
            if cases:
                decision = ev.answer(opening(cases[0].entry_id, index, []))
                return Decided(decision, "a case of the industry asked instead", industry=request.industry)
            return Passed("no case of that industry", industry=request.industry)
        if request.industry and request.industry_said:
            kinds = request.kinds or [roles.application]
            found = section(
                entry, kinds, request.industry, index, ev.hits, request.exclude, ev.settings.alternative_margin
            )
            if found is not None and request.industry in found.industries:
                return Decided(ev.answer(found), "the same kind in the industry asked", industry=request.industry)
            return Passed("the context has nothing for that industry", industry=request.industry)
        for kind in request.kinds:
            found = section(entry, [kind], None, index, ev.hits, request.exclude, ev.settings.alternative_margin)
            if found is not None:
                why = "another kind of section of the same subject"
                return Decided(ev.answer(found), why, entry=entry, kind=kind, turned_away=request.negated)
        if ev.is_case(entry) and request.kinds:
            # A case has no theory of its own: the kind asked, from the concept it illustrates.
            own = index.entries[entry]
            for concept in (e for e in own[0].related if e in index.entries and not ev.is_case(e)):
                found = section(
                    concept, request.kinds, None, index, ev.hits, request.exclude, ev.settings.alternative_margin
                )
                if found is not None and found.kind in request.kinds:
                    why = "the kind asked, from the concept the case illustrates"
                    return Decided(ev.answer(found), why, entry=concept, case=entry, turned_away=request.negated)
        return Passed("the context lacks the kind asked", kinds=request.kinds, turned_away=request.negated)
