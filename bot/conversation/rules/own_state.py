"""Staff telling of their own state ("天天接投诉 感觉自己越来越麻木"): the answer must be about staff.

Such a message is about the asker or a colleague (`QueryAnalysis.own_state`), but most of its
words are the customers' (投诉, 客人, 骂), so retrieval ranks the passages on handling customers
first: the complaint steps, the angry customer's strategies. Those speak of the customer; the
passages about staff name them (员工, 服务人员) at least as often (`Routing.speaks_of_staff`).
The best such passage answers when it scores within `own_state_margin` of the best passage, and
no runner-up with more of the message's (customers') words takes its place. Further behind, the
message is more likely a customer's situation told in the first person ("我前台值班 客人等了四十
分钟 说要投诉我们"): the next rules decide, as they do for a message none of whose words the
passage's entry holds and that speaks of no one ("我今天好困").
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed


class OwnState:
    name = "own_state"

    def decide(self, ev: Evidence) -> Outcome:
        if not ev.request.own_state:
            return Passed("not staff telling of their own state")
        hits = [h for h in ev.hits if h.passage.kind not in ev.request.negated]
        margin = ev.settings.own_state_margin
        near = [h for h in hits if hits[0].score - h.score <= margin]
        about_staff = [(rank, h) for rank, h in enumerate(near, 1) if ev.index.routing.speaks_of_staff(h.passage.text)]
        if not about_staff:
            return Passed("no passage about staff near the best", own_state_margin=margin)
        rank, hit = about_staff[0]
        passage = hit.passage
        entry = ev.index.entry_text(passage.entry_id)
        if not any(w in entry for w in ev.named_words) and not ev.speaks_of_someone:
            why = "none of the message's words is in the passage's entry, and it speaks of no one"
            return Passed(why, passage=passage.id)
        return Decided(ev.answer(passage), "the best passage about staff", passage=passage.id, rank=rank)
