"""The default: retrieval found the subject, the kind asked picks its section ("…怎么办" → the steps).

A situation's everyday words need not be the knowledge base's ("顾客插队怎么办"), but one that
shares no word with the answer's entry and speaks of nobody staff serve or work with (nor of
him or her: "为啥让他先撒完气") is no service situation: not found. A task asked how ("怎样让服务更贴心") is our own work either way.

Retrieval's first passage wins unless a runner-up close behind it (within `alternative_margin`)
has more evidence of being about the message: the industry the message names, then more of the
message's own words in its entry. "过节想给老客户发条问候" ranks 安抚情绪激动的客户 a little above
情感关系维系; each entry has one of the message's words (老客户 in an example question, 问候),
but only the latter's answer says it: "定期问候、节日祝福". A kind the message turns away
("别讲理论了") is no candidate.
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import says_more, section
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize


class BestPassage:
    name = "best_passage"

    def decide(self, ev: Evidence) -> Outcome:
        if not ev.hits:
            return Passed("nothing retrieved")
        best, evidence = self._best_covered(ev)
        text = ev.request.text
        task = any(c.task for c in ev.subject.chunks)  # "怎样让服务更贴心": how to do our own work
        unrelated = evidence["words"] and not evidence["covered"] and not task
        if unrelated and not ev.speaks_of_someone:
            # "POS机刷不了卡怎么办": no word of it in the answer's entry, nobody served in it.
            why = "none of the message's words is in the answer's entry, and it speaks of no one"
            return Decided(ev.not_found(), why, entry=best.entry_id, **evidence)
        if self._defines_a_name_we_lack(ev, best):
            # "customer effort score 的调节又怎么理解": 调节 is in the answer, the name it asks about is not.
            why = "asks what a name we lack is, and the answer's entry never says it"
            return Decided(ev.not_found(), why, entry=best.entry_id, unknown_name=ev.unknown, **evidence)
        kinds, words = ev.request.kinds, evidence["words"]
        if not ev.cases_in_words:  # a case only guessed by the classifier: the case rule passed on it
            kinds = [k for k in kinds if k != ev.index.routing.roles.cases]
        if kinds and best.kind not in kinds:
            found = section(
                best.entry_id,
                kinds,
                ev.request.industry,
                ev.index,
                ev.hits,
                ev.request.exclude,
                ev.settings.alternative_margin,
            )
            situation = ev.index.routing.situation(text)  # its overview restates it; the steps answer
            wordier = None if found is None or situation else says_more(best.entry_id, words, found, ev.index, ev.hits)
            if wordier is not None:
                # "节日祝福对客户关系有用吗": the strategies say 节日祝福, the entry's 重要性 does not.
                why = "the best entry's section that says the message's words, the kind's says none"
                return Decided(ev.answer(wordier), why, entry=best.entry_id, **evidence)
            if found is not None:
                why = "the best entry's section of the kind asked"
                return Decided(ev.answer(found), why, entry=best.entry_id, **evidence)
        return Decided(ev.answer(best), "the best passage", passage=best.id, **evidence)

    @staticmethod
    def _defines_a_name_we_lack(ev: Evidence, best: Passage) -> bool:
        kinds, name = ev.request.kinds, ev.unknown
        if not name or not kinds or kinds[0] != ev.index.routing.roles.definition:
            return False
        return normalize(name) not in ev.index.entry_text(best.entry_id)

    @staticmethod
    def _best_covered(ev: Evidence) -> tuple[Passage, dict]:
        """The first passage, or a close runner-up whose entry covers more of the message."""
        words = ev.named_words
        if ev.request.negated:  # the words of what a correction turns away are no evidence for the answer
            turned_away = ev.index.routing.negated_clauses(ev.request.text)
            words = [w for w in words if not any(w in clause for clause in turned_away)]
        # "别讲理论了 当主管的我能做点啥": a kind the message turns away is no candidate
        hits = [h for h in ev.hits if h.passage.kind not in ev.request.negated] or ev.hits
        top = hits[0].score
        close = [h for h in hits if top - h.score <= ev.settings.alternative_margin]
        industry = ev.request.industry

        def evidence(passage: Passage) -> tuple[int, bool, int]:
            text = ev.index.entry_text(passage.entry_id)
            said = normalize(passage.text)
            by_industry = bool(industry) and industry in passage.industries
            return sum(w in text for w in words), by_industry, sum(w in said for w in words)

        # An industry the message names comes first (its passages speak of its people), then the
        # words its entry covers, then those the answer itself says (not only an example question).
        scored = [(evidence(h.passage), -rank, h.passage) for rank, h in enumerate(close)]
        (covered, _, _), rank, passage = max(scored, key=lambda s: (s[0][1], s[0][0], s[0][2], s[1]))
        first = scored[0][0]
        return passage, {"words": words, "covered": covered, "first_covered": first[0], "runner_up": rank != 0}
