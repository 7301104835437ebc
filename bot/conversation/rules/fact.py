"""A question for a rule, a permission, a price or a quantity ("员工情绪不好能请病假吗", "押金几天
到账") about something the knowledge base never mentions: the knowledge base holds practice, not
regulations, so any passage would answer another question. Situations ("客人嫌贵要退怎么办"),
questions about our own entries and questions whose every word is ours ("VIP客户多久回访一次")
are left to the other rules.
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed


class FactQuestion:
    name = "fact_question"

    def decide(self, ev: Evidence) -> Outcome:
        cues = ev.index.routing.asks_fact(ev.request.text)
        if not cues:
            return Passed("asks for no rule, permission, price or quantity")
        if ev.request.topics or ev.subject.situation:
            return Passed("about an entry we hold, or a situation to handle", cues=cues)
        missing = ev.subject.missing
        if not missing:
            return Passed("the knowledge base mentions all the question is about", cues=cues)
        return Decided(ev.not_found(), "asks for a rule, permission, price or quantity", cues=cues, missing=missing)
