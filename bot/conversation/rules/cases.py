"""A question for an example: a case entry, the industry's first, then those the conversation's
subject links to, honest about names we lack ("瑞幸有类似的做法吗": said so, with the closest case
we hold). After a case, one naming nothing new ("有同行这么做成功的吗") gets another case like it."""

from __future__ import annotations

from collections.abc import Callable

from bot.conversation.decision import Note
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import is_story, kindred_case, linked_cases, opening
from bot.knowledge.entries import Passage
from bot.retrieval.search import Hit


class CaseQuestion:
    name = "case"

    def decide(self, ev: Evidence) -> Outcome:
        request = ev.request
        # Not for other questions naming a company we lack: "银行卡被冻结了怎么解冻" is no case question.
        if not (ev.asks_for_cases or (ev.unknown and ev.asks_case_intent)):
            return Passed("does not ask for a case", kinds=request.kinds)
        if ev.unknown and not ev.cases_in_words and not ev.confident:
            # "在家怎么连公司的VPN": the classifier's guess of a case question, a name we lack, and
            # no passage near the question: no case is "the closest" to it.
            return Decided(
                ev.not_found(), "a name we lack, no example asked in words, nothing near it", unknown_name=ev.unknown
            )
        hits = ev.hits
        guessed = self._only_guessed(ev)
        if guessed is not None:
            # "那后续怎么避免再发生" taken for a case question: 处理客户投诉's prevention leads by far.
            return Passed("a case only guessed; retrieval's best passage, well ahead, is no case", **guessed)
        cases = [h for h in hits if ev.is_case(h.passage.entry_id)]
        # Inside a conversation, the cases its subject links to come first ("有没有真实案例" after
        # complaint handling: the complaint case, not the best-ranked case of the whole base).
        context = ev.context
        linked = set().union(*(linked_cases(e, ev.index) for e in context[:1])) if context else set()
        if linked and not ev.unknown:
            cases = [h for h in cases if h.passage.entry_id in linked] + [
                h for h in cases if h.passage.entry_id not in linked
            ]
        note = None
        if request.industry:
            in_industry = [h for h in cases if request.industry in h.passage.industries]
            if in_industry:
                cases = in_industry + [h for h in cases if h not in in_industry]
            elif cases:
                note = Note("utter_industry_gap", {"industry": request.industry})
        if ev.unknown and cases:
            note = Note("utter_unknown_name", {"name": ev.unknown})
        elif not request.industry:
            kin = self._kindred(ev, cases)
            if kin is not None:
                return Decided(ev.answer(kin), "a case like the conversation's", entry=kin.entry_id, context=context[0])
            if not ev.confident:
                return Decided(
                    ev.not_found(), "nothing ties the question to the cases we hold", confidence=ev.result.confidence
                )
            listed = self._listed(ev)
            if listed is not None:
                examples, lead = listed
                return Decided(
                    ev.answer(examples),
                    "the examples the best-ranked entry lists, well ahead of every case",
                    entry=examples.entry_id,
                    lead=round(lead, 3),
                )
        if not cases:
            return Decided(ev.answer(hits[0].passage), "no case ranks: the best passage")
        entry = cases[0].passage.entry_id
        decision = ev.answer(opening(entry, ev.index, []))
        decision.note = note
        return Decided(
            decision, "the best-ranked case", entry=entry, industry=request.industry, unknown_name=ev.unknown
        )

    @staticmethod
    def _only_guessed(ev: Evidence) -> dict | None:
        """The classifier's guess of a case question that neither the words ("例子", "案例"), a name
        we lack nor a case in the conversation support, while retrieval's best passage is no story
        and leads every story by more than `context_margin`: evidence about it, else None."""
        hits, context = ev.hits, ev.context
        if not hits or ev.cases_in_words or ev.unknown or (context and ev.is_case(context[0])):
            return None
        if is_story(hits[0].passage, ev.index):
            return None
        lead = _lead(hits, lambda p: is_story(p, ev.index))
        return {"passage": hits[0].passage.id, "lead": lead} if lead > ev.settings.context_margin else None

    @staticmethod
    def _listed(ev: Evidence) -> tuple[Passage, float] | None:
        """Outside a conversation, a question whose best-ranked passage is an entry's own list of
        examples ("让客户觉得被重视的成功案例": 《让客户感到被尊重和重视》· 案例), ahead of every case
        by more than `context_margin`, asks for that topic's examples: the list and its lead. A case
        ranked near it may be the one the question describes ("一边做问卷一边盯服务质量的那家公司")."""
        hits = ev.hits
        if ev.context or ev.unknown or not hits:
            return None
        best = hits[0].passage
        if ev.is_case(best.entry_id) or not is_story(best, ev.index):
            return None
        lead = _lead(hits, lambda p: ev.is_case(p.entry_id))
        return (best, lead) if lead > ev.settings.context_margin else None

    @staticmethod
    def _kindred(ev: Evidence, cases: list[Hit]) -> Passage | None:
        """After a case, a case question naming nothing new asks for another like it: the
        conversation ties it to the cases we hold, whatever the cosine of its few words."""
        context = ev.context
        if not context or not ev.is_case(context[0]) or ev.unknown or ev.request.topics:
            return None
        return kindred_case(context[0], ev.index, cases, exclude=ev.request.shown_entries)


def _lead(hits: list[Hit], rival: Callable[[Passage], bool]) -> float:
    """How far the best hit's score is ahead of the best hit that is a `rival` (all of it when none is)."""
    return hits[0].score - next((h.score for h in hits if rival(h.passage)), 0.0)
