"""Two or more named entries compared: their definitions side by side, led by the passage of one that
speaks of another when there is one ("马斯洛跟客户情感需求啥关系": the theory's 应用 names 客户情感需求).
An entry spoken of again by a pronoun ("它和顾客满意度理论有什么关系") is the conversation's topic.
A definition's own cross-reference ("它是《客户情感需求》的理论基础之一") is no such passage: it is shown anyway."""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import definition
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize
from bot.retrieval.word_classes import THING_PRONOUNS

COMPARISON_INTENT = "ask_comparison"


class Comparison:
    name = "comparison"

    def decide(self, ev: Evidence) -> Outcome:
        named = [*ev.named, *_pointed_at(ev)][:3]
        if ev.request.intent != COMPARISON_INTENT or len(named) < 2:
            return Passed("not a comparison of two named entries", named=named)
        link = _linking(named, ev.index, [h.passage.id for h in ev.hits])
        if link is None:
            passages = [definition(t, ev.index) for t in named]
            return Decided(Decision("compare", passages), "compares the named entries", entries=named)
        passages = [link, *(definition(t, ev.index) for t in named[:2])]
        return Decided(
            Decision("compare", passages), "a passage of one named entry speaks of another", entries=named, link=link.id
        )


def _pointed_at(ev: Evidence) -> list[str]:
    """The conversation's topic, when the message speaks of it again by a pronoun ("它和顾客满意度理论
    有什么关系" after 期望确认理论) and names another entry: the two are compared, the one named first."""
    topic = ev.context[0] if ev.context else None
    if topic is None or topic in ev.named or not any(w in THING_PRONOUNS for w, _ in ev.tagged):
        return []
    return [topic]


def _linking(named: list[str], index: Index, ranking: list[str]) -> Passage | None:
    """The best-ranked passage of a named entry, other than its definition, whose text names another
    of them (a title or alias of the term table, normalized when the index was built)."""
    names = {t: index.terms.names_of(t) for t in named}
    rank = {pid: n for n, pid in enumerate(ranking)}

    def names_another(passage: Passage) -> bool:
        text = normalize(passage.text)
        return any(n in text for other in named if other != passage.entry_id for n in names[other])

    links = [
        p for t in named for p in index.entries[t] if p.kind != index.routing.roles.definition and names_another(p)
    ]
    return min(links, key=lambda p: rank.get(p.id, len(rank)), default=None)
