"""A message the classifier could not place is not understood unless the conversation places it:
the assistant asks to rephrase, as Rasa's fallback rule did, and records nothing. A term question
about something the knowledge base never mentions ("关键时刻MOT") is the exception: the absent
rules answer it with "not found", since no rewording would find it.

Said after an answer, such a message has been read as a follow-up when the turn was planned
(`planning.read_against_conversation`). That reading holds only for a question about what was
just said: it asks (a question word, 吗, "A不A": "这种累到底从哪来的"), every word of its subject is
one the knowledge base uses (English words are read by the glossary), and it asks for no rule,
price or quantity ("神秘顾客暗访会不会把这种事查出来": 暗访 is none of ours). A bare phrase ("认知失调", "胖东来")
or a question about something else ("这个月有什么满减活动", "退房最晚能延到几点") is still not
understood: continuing the last answer would cite it for a question it does not answer.
"""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.planning import NOT_UNDERSTOOD_INTENT
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.retrieval.word_classes import CHINESE, asks, nominal


class NotUnderstood:
    name = "not_understood"

    def decide(self, ev: Evidence) -> Outcome:
        request = ev.request
        if request.intent == NOT_UNDERSTOOD_INTENT:
            subject = ev.subject
            if subject.term_question and subject.missing and CHINESE.search(request.text):
                # "关键时刻MOT": a name, of nothing we hold; "not found" says so, where "please
                # rephrase" would have the user reword a question that has no answer here. Latin
                # letters alone ("asdfghjkl") may be a name or a slip of the keyboard: rephrase.
                return Passed("it names something the knowledge base never mentions", missing=subject.missing)
            return Decided(
                Decision("not_understood"), "the classifier could not place it, and no answer came before it"
            )
        if not request.continued:
            return Passed("the classifier placed it")
        if not asks(request.text):
            return Decided(Decision("not_understood"), "read against the conversation, it asks nothing")
        known = ev.index.subjects.known
        foreign = [w for c in ev.subject.chunks for w in c.words if not w.isascii() and not known([w])]
        facts = ev.index.routing.asks_fact(request.text)
        if foreign and not facts and self._of_the_conversation(ev, foreign):
            return Passed("its nouns name the conversation's entry; its other words only ask", words=foreign)
        if foreign or facts:
            return Decided(
                Decision("not_understood"),
                "read against the conversation, it is about something else",
                words=foreign,
                cues=facts,
            )
        return Passed("a question about what was just said, in the knowledge base's words")

    @staticmethod
    def _of_the_conversation(ev: Evidence, foreign: list[str]) -> bool:
        """ "那怎么减轻员工的这种压力" after 《员工情感疲惫与情感劳动压力》: each noun is part of a name of
        the conversation's entries (员工, 压力), so a verb the knowledge base never uses (减轻) is only
        how it asks. A noun of its own ("满减活动", "押金") still makes it about something else."""
        if any(nominal(ev.flags.get(w, "")) for w in foreign):
            return False
        names = [name for entry in ev.context for name in ev.index.terms.names_of(entry)]
        nouns = [w for w, flag in ev.tagged if nominal(flag) and len(w) > 1]
        return bool(nouns) and all(any(w in name for name in names) for w in nouns)
