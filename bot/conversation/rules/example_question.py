"""A message that is one of a section's example questions goes to that section: a trainer put it
there (the console's inbox and hit test do exactly this to fix a miss), which outweighs the kind
the intent guessed and the order retrieval gave. Punctuation, spaces, script and case aside, the
message must be the question itself, with a subject of its own; a near wording is left to
retrieval, where the question's words already count.

Usage:
    ExampleQuestion().decide(evidence)  # → Decided(…, passage='customer-emotion-management#定义')
"""

from __future__ import annotations

import re

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.knowledge.terms import normalize

_NOT_WORD = re.compile(r"[^\w]+")


def question_key(text: str) -> str:
    """The wording of a question without its script, case, spaces and punctuation."""
    return _NOT_WORD.sub("", normalize(text))


class ExampleQuestion:
    name = "example_question"

    def decide(self, ev: Evidence) -> Outcome:
        key = question_key(ev.request.text)
        if not ev.subject.chunks:
            # "有哪些案例" continues the conversation's subject, whichever entry lists it as an example.
            return Passed("the message has no subject of its own")
        for hit in ev.hits:
            if any(question_key(q) == key for q in hit.passage.questions):
                return Decided(
                    ev.answer(hit.passage), "the message is an example question of this section", passage=hit.passage.id
                )
        return Passed("the message is no section's example question")
