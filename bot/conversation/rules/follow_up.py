"""A message that continues the last answer: the context's section of the kind asked, a part
of it the message names, or the context's best passage not yet shown.

The same question is ranked with and without the context; the context wins unless the message
has moved on: it names an industry the context does not cover, asks that industry's cases, or
has words of its own that the context lacks while a passage elsewhere beats the context's best
by `context_margin`. A message of which the knowledge base knows no word is not ours to continue,
unless it names nothing: no noun ("具体分几步走"), or only a kind of section asked in everyday words
("有没有真事儿的例子").
"""

from __future__ import annotations

import re

from bot.conversation.decision import Decision
from bot.conversation.evidence import Evidence
from bot.conversation.planning import CORRECT_INTENT
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.conversation.sections import item_line, linked_case, section
from bot.knowledge.entries import Passage
from bot.knowledge.routing import Routing
from bot.knowledge.terms import normalize
from bot.retrieval.query import SITUATION_INTENT
from bot.retrieval.word_classes import FUNCTION, PERSONAL_PRONOUNS

#: A message this short may name a part of the context by a few of its words ("培训那块呢").
SHORT_PART = 12


#: A word in at most this share of passages says what a message is about (归属感: 8 of 148).
NAMING_SHARE = 0.08


#: A title's words this long said in a message name that entry ("客户满意度" of 提升客户满意度).
TITLE_PART = 4
#: … when the entry ranks this near the top.
NEAR_TOP = 3


def title_named_elsewhere(ev: Evidence, carried: list[str]) -> str | None:
    """The entry outside the context whose title alone holds a subject chunk of the message, when
    retrieval ranks it near the top: the message names that entry in its own word order."""
    top = {h.passage.entry_id for h in ev.hits[:NEAR_TOP]}
    for chunk in ev.subject.chunks:
        holders = ev.index.entries_titled(chunk.text) if len(chunk.text) >= TITLE_PART else []
        if len(holders) == 1 and holders[0] not in carried and holders[0] in top:
            return holders[0]
    return None


def naming_words(ev: Evidence, entry: str) -> list[str]:
    """The message's subject words few passages say and only one passage of `entry` (归属感 in
    社会认同理论): that passage is about this aspect of the message. A word its opening (定义,
    概述) or several of its passages say (发火 for 安抚情绪激动的客户) is the entry's general subject."""
    index = ev.index
    most = NAMING_SHARE * len(index.passages)
    words = [w for c in ev.subject.chunks for w in c.words if len(w) > 1 and w not in index.routing.cue_words]
    opening, *rest = [normalize(p.text) for p in index.entries.get(entry, [])] or [""]
    return [
        w
        for w in dict.fromkeys(words)
        if 0 < index.document_frequency(w) <= most and w not in opening and sum(w in t for t in rest) == 1
    ]


#: Words that ask why (a closed class, like the question words): 为啥 is no cue of any kind.
_WHY = re.compile(r"为什么|为啥|为何|凭啥|凭什么|干嘛|干吗|怎么会|咋会|咋这么|怎么这么|何必")


def asks_why(text: str) -> bool:
    """Whether the message asks why ("到底为啥火这么大")."""
    return bool(_WHY.search(normalize(text)))


def asks_why_someone(text: str, routing: Routing) -> bool:
    """Whether the message asks why someone else feels or acts so: a customer or him, her named
    before the why-word ("他火气咋这么大", "客户为啥就是不直说"). That asks the cause, which the
    context's opening section gives; "为啥先让他说完" asks about our own step, "同事为啥…" of staff."""
    text = normalize(text)
    found = _WHY.search(text)
    if found is None:
        return False
    before = text[: found.start()]
    return any(p in before for p in PERSONAL_PRONOUNS) or any(p in before for p in routing.customers)


def _asks_only(ev: Evidence, word: str, carried: list[str]) -> bool:
    """A word that asks rather than names: a cue of a kind (about a case, of its story's parts:
    反应 asks its outcome) or a time or direction word (之后), in "这么做之后客人啥反应"."""
    routing = ev.index.routing
    if word in routing.cue_words or (ev.is_case(carried[0]) and routing.case_kinds_in(word)):
        return True
    return ev.flags.get(word) in FUNCTION  # tagged in its sentence, as the rules read it


class FollowUp:
    name = "follow_up"

    def decide(self, ev: Evidence) -> Outcome:
        request, index = ev.request, ev.index
        carried = ev.carried
        if not carried:
            return Passed("no context to continue", unknown_name=ev.unknown)
        hits = ev.hits
        inside = [h for h in hits if h.passage.entry_id in carried]
        outside = [h for h in hits if h.passage.entry_id not in carried]
        if not inside:
            return Passed("the context has no passage for the message", context=carried)
        industry = request.industry
        if (
            industry
            and not ev.asks_a_part_of_the_case
            and (ev.asks_for_cases or not any(industry in p.industries for e in carried for p in index.entries[e]))
        ):
            return Passed("asks for an industry the context does not cover", industry=industry, context=carried)
        # A correction redirects the same subject ("不是问这个 我想知道在银行网点具体咋落地"); any
        # other message, a follow-up by the classifier's guess too, may have moved on by its own words.
        own_words = [] if request.intent == CORRECT_INTENT else [w for c in ev.subject.chunks for w in c.words]
        # a kind of section asked, not a situation described ("电脑坏了怎么办" is a new one)
        situation = index.routing.situation(request.text)
        cued = bool(index.routing.kinds_in(request.text, case=ev.is_case(carried[0])))
        asks_kind = cued and not situation
        names_nothing = not ev.unknown and not any(c.name_like for c in ev.subject.chunks)
        no_noun = not any(c.nominal for c in ev.subject.chunks)
        # "背后啥道理": one everyday word and a kind the classifier heard (not one carried over from
        # the last answer: "那工资呢"), about what was just said
        heard = bool(index.routing.kinds_for(request.intent))
        everyday = heard and ev.speaks_of_the_conversation and not situation
        continues = names_nothing and (asks_kind or no_noun or everyday)
        if own_words and not any(index.subjects.known([w]) for w in own_words) and not continues:
            # "电脑坏了怎么办" has left the conversation; "有没有真事儿的例子" asks it for a kind
            # of section in everyday words, "具体分几步走" names nothing at all.
            return Passed("the knowledge base knows none of the message's words", words=own_words)
        other = title_named_elsewhere(ev, carried)
        if other is not None:
            # "客户满意度怎么提升" after 顾客插队: the words of one other entry's title, ranked near the top
            return Passed("moved on: it says most of another entry's title", entry=other)
        context_text = "".join(p.text for e in carried for p in index.entries[e])
        new_words = [
            w for w in own_words if ev.specific(w) and w not in context_text and not _asks_only(ev, w, carried)
        ]
        lead = outside[0].score - inside[0].score if outside else 0.0
        if new_words and outside and ev.confident and lead > ev.settings.context_margin:
            return Passed("moved on: its own words fit a passage elsewhere better", words=new_words, lead=lead)
        switched = self._industry_switch(ev, carried)
        if switched is not None:
            return switched
        part = self._part(ev, carried)
        if part is not None:
            return part
        shown = set(request.exclude) | set(request.shown)
        roles = index.routing.roles
        # A kind the context entry lacks is looked for in the entries its answer named only when it
        # is a case (a case illustrates the concepts it names: "分为哪几类" is about them).
        own_only = not ev.is_case(carried[0]) and not ev.asks_for_cases
        asked = request.kinds
        if request.continued and not cued and any(c.task for c in ev.subject.chunks):
            # "那怎么减轻员工的这种压力", a message the classifier could not place: 怎么 and a verb ask
            # how to do something, so the steps, not the last answer's kind carried over.
            asked = index.routing.kinds_for(SITUATION_INTENT) or asked
        elif not cued and asks_why_someone(request.text, index.routing):
            # "他火气咋这么大" after the steps for an angry customer: the cause, in the context's
            # opening (定义 → 概述, a case's 背景), not the kind the classifier guessed.
            asked = [roles.definition]
        why = {"context": carried, "kinds": asked}
        for entry in carried[:1] if own_only else carried:
            if not asked:
                break
            kinds = asked
            if ev.is_case(entry):
                # A case's sections are the parts of its story ("这个例子说明了什么" → 启示);
                # "有案例吗" about a case looks further (its entry named other cases).
                kinds = [k for k in kinds if k != roles.cases]
                if not kinds:
                    continue
            found = section(entry, kinds, industry, index, hits, request.exclude, ev.settings.alternative_margin)
            if found is not None and found.id in request.shown and not cued and asks_why(request.text):
                # "他凭啥一来就冲我发火" after the steps for an angry customer: the classifier's kind
                # (no cue word names one) lands on the passage just shown, but a why asks for
                # something else of the context.
                break
            if found is not None:
                speaks = self._speaks_of(ev, entry, found)
                if speaks is not None:
                    return speaks
                return Decided(ev.answer(found), "the context's section of the kind asked", entry=entry, **why)
        if roles.cases in request.kinds:
            # A case question the context entries have no case section for: a case they link to
            # (after a case: another one), else a case from the whole knowledge base.
            seen = {*carried, *request.shown_entries}
            for entry in carried:
                linked = linked_case(entry, index, hits, exclude=seen)
                if linked is not None:
                    return Decided(ev.answer(linked), "a case the context links to", entry=entry, **why)
            if ev.is_case(carried[0]):
                return Passed("after a case, another case from the whole knowledge base", context=carried)
        primary = [h for h in inside if h.passage.entry_id == carried[0]] or inside
        fresh = [h for h in primary if h.passage.id not in shown] or primary
        return Decided(ev.answer(fresh[0].passage), "the context's best passage not yet shown", **why)

    @staticmethod
    def _industry_switch(ev: Evidence, carried: list[str]) -> Decided | None:
        """ "那医院咋做" after 《移情服务》· 应用 · 零售: the message names another industry, so it
        asks for the same kind of section in that industry, whatever kind its everyday words cue
        (咋做); only when the last answer was one industry's and the entry has the named one's."""
        request, index = ev.request, ev.index
        industry = request.industry
        if not (industry and request.industry_said):
            return None
        for shown in request.shown:
            last = index.passage(shown)
            if last is None or last.entry_id != carried[0] or not last.industries or industry in last.industries:
                continue
            same = [
                p
                for p in index.entries.get(last.entry_id, [])
                if p.kind == last.kind and industry in p.industries and p.id not in request.shown
            ]
            if same:
                # the industry's own subsection (应用 · 餐饮), not the overview that lists them all
                passage = min(same, key=lambda p: len(p.industries))
                return Decided(ev.answer(passage), "the same kind of section in the industry named", industry=industry)
        return None

    @staticmethod
    def _speaks_of(ev: Evidence, entry: str, chosen: Passage) -> Decided | None:
        """The entry's best-ranked passage that says the message's own specific words, when the
        section of the kind asked does not and retrieval ranks it above that section ("和归属感需求有
        什么联系" after 社会认同理论: where it speaks of 归属感, not its definition). A word the
        passage says by chance (留住 in 挑战, for "这样做为啥就能留住人") does not outrank the kind asked."""
        wanted = naming_words(ev, entry)
        if not wanted or any(w in normalize(chosen.text) for w in wanted):
            return None
        ranked = [hit.passage for hit in ev.hits]
        ids = [p.id for p in ranked]
        above = ranked[: ids.index(chosen.id)] if chosen.id in ids else ranked
        for passage in above:
            if passage.entry_id == entry and any(w in normalize(passage.text) for w in wanted):
                return Decided(
                    ev.answer(passage), "the context's passage that says the message's own words", words=wanted
                )
        return None

    def _part(self, ev: Evidence, carried: list[str]) -> Decided | None:
        """A short message naming a part of the context: a subsection ("培训那块呢" → 应用 · 培训与管理)
        or an item of a list ("响应性呢"). A word most passages use (客户) names no part: in
        「后来那个客户怎么样了」 it is the case's customer, not the item 客户忠诚度的提升."""
        words = [w for w in ev.subject_words() if len(w) >= 2 and w not in ev.index.common_words]
        if not words or len(normalize(ev.request.text)) > SHORT_PART:
            return None
        shown = set(ev.request.shown)
        index = ev.index
        for entry in carried:
            parts = [
                p
                for p in index.entries.get(entry, [])
                if " · " in p.section and p.id not in shown and any(w in p.section.split(" · ", 1)[1] for w in words)
            ]
            if len(parts) == 1:
                return Decided(ev.answer(parts[0], []), "names a subsection of the context", words=words)
        for entry in carried:
            for passage in index.entries.get(entry, []):
                lines = [line for w in words if (line := item_line(passage.text, w))]
                # every word names the same item: 情绪调节 is no 积极情绪, though both say 情绪
                if len(lines) == len(words) and len(set(lines)) == 1:
                    decision = Decision("answer", [passage], excerpt=lines[0])
                    return Decided(decision, "names an item of a list in the context", words=words)
        return None
