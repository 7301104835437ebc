"""A question for a rule, a permission, a price or a quantity ("员工情绪不好能请病假吗", "押金几天
到账") about something the knowledge base never mentions: the knowledge base holds practice, not
regulations, so any passage would answer another question. Naming an entry beside it changes
nothing ("华为的服务器一个月怎么收费" asks a price, not for the case): it runs before the named-entry
rule. Situations ("客人嫌贵要退怎么办") and questions whose every word is ours ("VIP客户多久回访一次")
are left to the other rules.
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.knowledge.routing import GAP


class FactQuestion:
    name = "fact_question"

    def decide(self, ev: Evidence) -> Outcome:
        cues = ev.index.routing.asks_fact(ev.request.text)
        if not cues:
            return Passed("asks for no rule, permission, price or quantity")
        if ev.subject.situation:
            return Passed("a situation to handle", cues=cues)
        # beside a name of ours, a chunk is never mentioned whole: the evidence is a noun we never use
        missing = ev.foreign_words(cues) if ev.request.topics else ev.subject.missing
        # the people served (会员) and the cue with one verb ("能用" of 能…吗) are no other subject
        parts = [part for cue in cues for part in cue.split(GAP) if part]
        people = ev.index.routing.people
        missing = [
            m for m in missing if m not in people and not any(len(m.replace(p, "")) <= 1 for p in parts if p in m)
        ]
        if not missing:
            return Passed("the knowledge base mentions all the question is about", cues=cues)
        return Decided(ev.not_found(), "asks for a rule, permission, price or quantity", cues=cues, missing=missing)
