"""A message that names an entry (title or alias, also as a typo or a synonym) is about it,
whatever its cosine: an item of one of its lists the message names too ("SERVQUAL 里的 responsiveness"
→ the line of 响应性), the entry's section of the kind asked, its definition when nothing is asked,
a case it links to when it has no case section of its own."""

from __future__ import annotations

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import (
    definition,
    item_line,
    linked_case,
    named_item,
    opening,
    restates,
    says_more,
    section,
)
from bot.conversation.story import story_part
from bot.knowledge.terms import normalize
from bot.retrieval.search import Hit


class NamedEntry:
    name = "named_entry"

    def decide(self, ev: Evidence) -> Outcome:
        request, index = ev.request, ev.index
        if not request.topics:
            return Passed("the message names no entry")
        entry = request.topics[0]
        if entry not in index.entries:  # named by the NLU, gone from a newer index
            return Decided(ev.not_found(), "the named entry is no longer in the knowledge base", entry=entry)
        roles = index.routing.roles
        kinds = request.kinds
        asked = [k for k in kinds if k != roles.definition]
        why = {"entry": entry, "kinds": kinds}
        names = {normalize(n) for n in index.terms.names_of(entry)}
        # Common words (客户, 服务) name no item: "CRM系统里的客户数据" is not about 客户情绪管理.
        others = [w for w in ev.subject_words() if normalize(w) not in names and w not in index.common_words]
        listing = named_item([entry], others, index)
        if listing is not None:
            line = next(line for w in others if (line := item_line(listing.text, w)))
            decision = Decision("answer", [listing], excerpt=line)
            return Decided(decision, "an item of the named entry's list", item=line.split("：")[0], **why)
        if ev.is_case(entry) and any(len(w) > 1 for w in others) and not ev.asks_a_kind_in_words(entry):
            # "华为那样做 客户满意度上去没": no word asks for a kind, the intent's is a guess; the
            # words only some parts of the story say, then the parts' question labels, pick it.
            part = story_part(entry, ev.content_words(), request.text, index, ev.retriever.encoder)
            return Decided(
                ev.answer(part.passage),
                "the part of the named case the message's words ask for",
                said=part.said,
                closeness=round(part.closeness, 3),
                **why,
            )
        if not kinds or (ev.is_case(entry) and (not asked or asked == [roles.cases])):
            return Decided(ev.answer(opening(entry, index, asked)), "names an entry, asks nothing else", **why)
        found = section(entry, kinds, request.industry, index, ev.hits, lead=ev.settings.alternative_margin)
        if found is not None:
            # A guessed kind's section leads retrieval by the boost the guess gave it; the words
            # beside the name are weighed on the ranking without it ("情感营销常用什么手段": 方法 says 手段).
            guessed = not ev.asks_a_kind_in_words(entry)
            ranking = _unguessed(ev.hits, kinds, ev.retriever.kind_boost(named=True)) if guessed else ev.hits
            words = _said_somewhere(others, ev)
            wordier = says_more(entry, words, found, index, ranking)
            if wordier is not None:
                return Decided(
                    ev.answer(wordier),
                    "the named entry's section that says the message's words, the kind's says none",
                    words=words,
                    **why,
                )
            first = ev.hits[0].passage if ev.hits else None
            if (
                guessed
                and first is not None
                and first.entry_id == entry
                and first.kind != found.kind  # one kind's sections were weighed by `section`
                and not restates(first, index)
                and (request.industry is None or request.industry in first.industries)
            ):
                # "品牌社区跟社会认同有啥关系": no word asks for a kind, the intent's (定义) is a guess,
                # and retrieval, though it favours that kind, ranks another section of the entry first
                # (应用). Not a passage that restates the entry: "怎么提高客户满意度" wants the steps.
                return Decided(
                    ev.answer(first),
                    "the kind is the intent's guess: retrieval's first passage of the named entry",
                    **why,
                )
            return Decided(ev.answer(found), "the named entry's section of the kind asked", **why)
        if roles.cases in kinds and not ev.is_case(entry):
            # A case is its own example: "高端酒店的案例覆盖了哪些要素" asks about that case, not another it links to.
            linked = linked_case(entry, index, ev.hits)
            if linked is not None:
                return Decided(ev.answer(linked), "a case the named entry links to", **why)
        joined = {n.replace(" ", "") for n in names}  # a chunk's words are joined: "servicedesign"

        def names_more(words: tuple[str, ...]) -> bool:
            """Beside the entry's own name, a Latin word ("map" in "empathy map 同理心地图"); Chinese
            pieces beside it are often jieba's cuts ("留封感谢信": 留封), "一共分几个阶段" no name at all."""
            if not any(n in "".join(words) for n in joined):
                return True
            return any(w.isascii() and not any(normalize(w) in n for n in joined) for w in words)

        if any(c.name_like and not c.known and not c.mentioned and names_more(c.words) for c in ev.subject.chunks):
            # "CRM系统里的客户数据怎么导出成Excel": the entry has no such section and the rest of the
            # message names something the knowledge base never says; its definition would answer another question.
            # The entry's own name is no such thing ("service design 一共分几个阶段": one chunk with it).
            return Decided(
                ev.not_found(), "the named entry lacks the kind asked, the message names something we lack", **why
            )
        own = [h.passage for h in ev.hits if h.passage.entry_id == entry]
        passage = own[0] if own else definition(entry, index)
        return Decided(ev.answer(passage), "the named entry lacks the kind asked: its best passage", **why)


def _said_somewhere(words: list[str], ev: Evidence) -> list[str]:
    """The words without the pieces of a phrase the knowledge base never says though it uses each of its
    words: such a piece is no evidence ("满意度理论在实际工作里怎么用": the definition's 实际体验 says 实际,
    and 实际工作 is nowhere). A phrase with a word we never use is a cut of the segmenter's, not a
    phrase ("对柜员适用吗": 柜员 still counts)."""
    said = [c.text for c in ev.subject.chunks if c.mentioned]
    unsaid = [c.text for c in ev.subject.chunks if c.known and not c.mentioned]
    return [w for w in words if any(w in c for c in said) or not any(w in c for c in unsaid)]


def _unguessed(hits: list[Hit], kinds: list[str], guess: float) -> list[Hit]:
    """Retrieval's ranking with the boost it gave the guessed kinds' sections (`guess`) set aside."""
    return sorted(hits, key=lambda h: h.score - (guess if h.passage.kind in kinds else 0.0), reverse=True)
