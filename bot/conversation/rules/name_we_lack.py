"""A question about a company, brand or person the knowledge base never mentions is not found.

"迪士尼怎么培训员工", "海底捞的服务为啥好", "胖东来怎么对待顾客": the name opens the question, so
the question is about what that company does, and no passage says it. The passage retrieval ranks
first (our training steps, our satisfaction strategies) would be cited as if it told what that
company does, and so would the closest case the case rule offers for the classifier's guess of a
case question. Cases asked in words ("海底捞有什么案例") are the case rule's, which says it has no
such case and offers the closest one; a situation ("宜家的顾客在店里吵起来怎么办") is left to retrieval, as
is a message naming an entry of ours ("海底捞的移情服务怎么做": the named entry's rule weighs it).
A name that a how or why follows is who acts, whatever it does ("迪士尼怎么安抚客户" asks what
迪士尼 does, not how we calm a customer).
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.names import opening_name
from bot.conversation.rules.base import Decided, Outcome, Passed


class NameWeLack:
    name = "name_we_lack"

    def decide(self, ev: Evidence) -> Outcome:
        if ev.request.topics:
            return Passed("names an entry: the named entry's rule weighs the rest", named=ev.named)
        found = opening_name(ev.request.text, ev.index)
        if found is None:
            return Passed("no name we lack is what the message is about")
        name = found.name
        if ev.cases_in_words:
            return Passed("asks for cases in words: the case rule offers the closest", name=name)
        if (ev.subject.situation or ev.subject.event) and not found.acts:
            return Passed("a situation or an event at a place we lack: retrieval answers it", name=name)
        return Decided(ev.not_found(), "asks about a name the knowledge base never mentions", name=name)
