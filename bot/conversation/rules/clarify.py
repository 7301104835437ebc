"""A message that is only an industry ("银行") or a fragment several titles share ("情感"): ask
which entry is meant rather than guess."""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.knowledge.terms import normalize

MAX_CHOICES = 5


class SharedFragment:
    name = "clarify"

    def decide(self, ev: Evidence) -> Outcome:
        index, text = ev.index, ev.request.text
        words = [t for t in index.segmenter.tokens(text) if t not in index.routing.cue_words]
        if not words or index.routing.kinds_in(text):
            return Passed("the message asks for a kind of section or has no words")
        key = normalize("".join(words))
        industry = index.terms.industries.get(key)
        if industry and ev.carried:
            # "银行的呢" after an answer: that industry of the conversation's subject, not a choice.
            return Passed("an industry asked of the conversation", fragment=industry, context=ev.carried)
        if industry:
            entries = [e for e, ps in index.entries.items() if any(industry in p.industries for p in ps)]
            entries.sort(key=lambda e: not ev.is_case(e))
        elif len(key) >= 2 and key not in index.terms.topics:
            entries = index.entries_titled(key)
        else:
            return Passed("not a bare industry or title fragment")
        if len(entries) < 2:
            return Passed("at most one entry fits the fragment", fragment=key)
        choices = [index.entries[e][0] for e in entries[:MAX_CHOICES]]
        decision = Decision("clarify", choices=choices, clarify_about=industry or key)
        return Decided(decision, "a bare fragment several entries share", fragment=industry or key, entries=entries)
