"""A message the intent classifier took for out of scope, which the intent guard sent on because it
names an entry ("星巴克的会员星星怎么兑换饮品" names the 星巴克 case): it is ours only if the rest of
it is too. Words the knowledge base never uses beside the name (星星, 饮品) confirm the classifier,
and the answer is not found; "员工压力大怎么办" (员工压力 is an alias, 压力 and 大 are ours) goes on.
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed

#: The classifier's intent for messages outside the knowledge base (domain.yml).
OUT_OF_SCOPE = "out_of_scope"


class OutOfScope:
    name = "out_of_scope"

    def decide(self, ev: Evidence) -> Outcome:
        if ev.request.overruled != OUT_OF_SCOPE:
            return Passed("the classifier did not take it for out of scope")
        if ev.subject.situation:
            return Passed("a situation to handle")
        foreign = ev.foreign_words()
        if not foreign:
            return Passed("beside the name, every word is the knowledge base's")
        return Decided(
            ev.not_found(), "out of scope, as the classifier said: words the knowledge base never uses", words=foreign
        )
