"""The answer policy: from a planned request and one index snapshot, decide what to answer.

It weighs separate pieces of evidence instead of one score: the entries the message names
(answerable whatever their cosine), the list item it points at, the section kind it asks for,
the industry, and retrieval over the whole knowledge base against retrieval within the last
answer's context. It returns a decision (data); composing the reply is another stage.

- A named entry gets its section of the kind asked (a bare name: its definition, or a case's
  beginning); a kind it lacks is looked up among the entries it links to.
- A follow-up is the same question retrieved with and without the context: the context wins
  unless the knowledge base holds a clearly better passage elsewhere (`context_margin`).
- A case question is answered with a case, preferring the industry named; a company the
  knowledge base does not hold is said so, with the closest case it does hold.
- Below `min_confidence`, and with nothing named or carried, the knowledge base has no answer.
- A clarifying question only when the message is nothing but an industry or a fragment that
  several entries share; otherwise the best passage, with the runners-up as suggestions.

Usage:
    policy = AnswerPolicy(retriever, PolicySettings(min_confidence=0.85))
    decision = policy.decide(request, index)
    decision.status, decision.passage.citation  # → ('answer', '《移情服务》· 定义')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from bot.conversation.planning import Request
from bot.conversation.trace import Candidate, Trace
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize
from bot.retrieval.query import QueryAnalysis
from bot.retrieval.search import Hit, Retriever, SearchResult
from bot.retrieval.segment import STOPWORDS

Status = Literal["answer", "compare", "not_found", "clarify"]
CASE_TYPE = "case"
#: The intent that asks for an example (domain.yml).
CASE_INTENT = "ask_case"
#: Share of passages a word may occur in and still say what a message is about (see _specific):
#: on the current knowledge base (148 passages) that is at most 4, e.g. 压力 1, 过敏 3, but not 实际 7.
SPECIFIC_SHARE = 0.03
#: Candidates retrieved per turn: the whole ranking the policy weighs (cheap at this size).
CANDIDATES = 50
_LATIN_WORD = re.compile(r"[a-z][a-z0-9&.+-]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")
#: jieba part-of-speech flags: proper nouns (person, place, organization, other) …
_PROPER_NOUNS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
#: … and function words (pronoun, adverb, conjunction, preposition, particles, numeral,
#: measure word, direction, interjection, onomatopoeia), which no name is made of.
_FUNCTION_WORDS = frozenset(
    {"r", "d", "c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "m", "mq", "q", "f", "e", "o", "zg"}
)


@dataclass(frozen=True)
class PolicySettings:
    """Thresholds of the policy; the measurements that chose them are in endpoints.yml's comments."""

    min_confidence: float = 0.0
    #: A follow-up leaves its context only for a passage elsewhere this much better (fused score).
    context_margin: float = 0.15
    #: Runners-up within this much of the best (fused score) are offered as suggestions.
    alternative_margin: float = 0.12

    def __post_init__(self) -> None:
        if self.context_margin < 0 or self.alternative_margin < 0:
            raise ValueError("margins must not be negative")


@dataclass
class Note:
    """A fixed sentence before the answer: a Rasa response name and its parameters."""

    response: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Decision:
    status: Status
    passages: list[Passage] = field(default_factory=list)  # answer: one; compare: two or more
    #: a list item's line of the passage, answered instead of the whole passage
    excerpt: str | None = None
    note: Note | None = None
    alternatives: list[Passage] = field(default_factory=list)  # runners-up from other entries
    choices: list[Passage] = field(default_factory=list)  # clarify: one passage per entry
    related: list[str] = field(default_factory=list)  # not_found: titles of nearby entries
    clarify_about: str = ""  # clarify: the word the choices share

    @property
    def passage(self) -> Passage:
        return self.passages[0]


class AnswerPolicy:
    def __init__(self, retriever: Retriever, settings: PolicySettings) -> None:
        self.retriever = retriever
        self.settings = settings

    def decide(self, request: Request, index: Index, trace: Trace | None = None) -> Decision:
        trace = trace if trace is not None else Trace(request.text)
        trace.threshold = self.settings.min_confidence
        decision = self._decide(request, index, trace)
        trace.decided("policy", decision.status)
        return decision

    def _decide(self, request: Request, index: Index, trace: Trace) -> Decision:
        if request.item and (decision := self._item(request, index)):
            return decision
        present = [t for t in request.topics if t in index.entries]
        if request.intent == "ask_comparison" and len(present) >= 2:
            return Decision("compare", [self._definition(t, index) for t in present[:3]])
        hints = QueryAnalysis(
            topics=list(request.topics),
            industries=[request.industry] if request.industry else [],
            kinds=list(request.kinds),
        )
        query = (
            request.text
            if not request.industry or request.industry in request.text
            else f"{request.text} {request.industry}"
        )
        # A name the knowledge base lacks ("海底捞的案例") starts a new subject. Only asked when the
        # message names no entry: POS tagging is the turn's costliest text step after encoding.
        unknown = None if request.topics else unknown_name(request.text, index)
        carried = [] if request.topics or unknown else [t for t in request.context if t in index.entries]
        result = self.retriever.search(query, top_k=CANDIDATES, hints=hints, index=index, include=carried)
        hits = [h for h in result.hits if h.passage.id not in request.exclude]
        trace.confidence = result.confidence
        trace.rank(candidate(h) for h in hits)
        if request.topics:
            return self._named(request, index, hits)
        if carried and (decision := self._continue(request, index, result, hits, carried)):
            return decision
        if (choices := self._shared_fragment(request, index)) is not None:
            return choices
        # A company we lack, asked about as an example ("瑞幸有类似的做法吗", intent ask_case): said so,
        # with the closest case. Not for other questions: "银行卡被冻结了怎么解冻" is no case question.
        if self._asks_for_cases(request, index) or (unknown and request.intent == CASE_INTENT):
            return self._case(request, index, result, hits, unknown)
        if not hits or result.confidence < self.settings.min_confidence:
            if carried and request.industry and request.follow_up:
                # "那在零售业呢" after an entry without it: the industry's own application or case
                # elsewhere; "教育行业呢" where nothing covers it: say so, with the context's application.
                roles = index.routing.roles
                elsewhere = [
                    h.passage
                    for h in hits
                    if request.industry in h.passage.industries
                    and (h.passage.kind == roles.application or self._is_case(h.passage.entry_id, index))
                ]
                if elsewhere:
                    return self._answer(request, index, elsewhere[0], hits)
                entry = carried[0]
                passage = self._section(entry, [roles.application], None, index, hits) or self._definition(entry, index)
                return self._answer(request, index, passage, hits)
            return self._not_found(hits)
        return self._answer(request, index, self._kind_of_best_entry(request, index, hits), hits)

    def _kind_of_best_entry(self, request: Request, index: Index, hits: list[Hit]) -> Passage:
        """Retrieval finds the subject; the kind asked picks its section ("…怎么办" → the steps)."""
        best = hits[0].passage
        if not request.kinds or best.kind in request.kinds:
            return best
        return self._section(best.entry_id, request.kinds, request.industry, index, hits, request.exclude) or best

    # --- the pieces of evidence -----------------------------------------------------------

    def _item(self, request: Request, index: Index) -> Decision | None:
        """An item of the last answer's list: an entry of its own, else its line of that list."""
        item = request.item or ""
        entry = index.terms.topics.get(normalize(item))  # the item is an entry's own name
        if entry is not None and entry in index.entries:
            kinds = [k for k in request.kinds if k != index.routing.roles.definition]
            if self._is_case(entry, index) or not kinds:
                return Decision("answer", [self._opening(entry, index, kinds)])
            return Decision(
                "answer", [self._section(entry, kinds, request.industry, index, []) or self._definition(entry, index)]
            )
        shown = [index.passage(pid) for pid in reversed(request.shown)]
        source = next((p for p in shown if p is not None and _item_line(p.text, item)), None)
        source = source or self._listing(request, index)
        if source is None:
            return None
        line = _item_line(source.text, item)
        return Decision("answer", [source], excerpt=line) if line else None

    def _listing(self, request: Request, index: Index) -> Passage | None:
        """The passage whose list holds the item: the context entries' first."""
        for entry in request.context:
            for passage in index.entries.get(entry, []):
                if _item_line(passage.text, request.item or ""):
                    return passage
        return None

    def _named(self, request: Request, index: Index, hits: list[Hit]) -> Decision:
        """A named entry is answerable whatever its cosine."""
        entry = request.topics[0]
        if entry not in index.entries:  # named by the NLU, gone from a newer index
            return self._not_found(hits)
        kinds = request.kinds
        asked = [k for k in kinds if k != index.routing.roles.definition]
        if not kinds or (self._is_case(entry, index) and (not asked or asked == [index.routing.roles.cases])):
            return self._answer(request, index, self._opening(entry, index, asked), hits)
        section = self._section(entry, kinds, request.industry, index, hits)
        if section is not None:
            return self._answer(request, index, section, hits)
        if index.routing.roles.cases in kinds:
            linked = self._linked_case(entry, index, hits)
            if linked is not None:
                return self._answer(request, index, linked, hits)
        own = [h.passage for h in hits if h.passage.entry_id == entry]
        return self._answer(request, index, own[0] if own else self._definition(entry, index), hits)

    def _continue(
        self, request: Request, index: Index, result: SearchResult, hits: list[Hit], carried: list[str]
    ) -> Decision | None:
        """Answer within the last answer's context, unless the evidence says the message left it.

        It left when it names an industry the context does not cover, or when it has words of
        its own (beyond the kind of section it asks for) and the knowledge base holds a
        confident passage elsewhere that beats the context's best by `context_margin`. A
        message of which the knowledge base knows no word at all is not ours to continue.
        """
        inside = [h for h in hits if h.passage.entry_id in carried]
        outside = [h for h in hits if h.passage.entry_id not in carried]
        if not inside:
            return None
        if request.industry and (
            self._asks_for_cases(request, index)
            or not any(request.industry in p.industries for e in carried for p in index.entries[e])
        ):
            return None  # "那有别的餐饮案例吗": that industry's cases, or an industry the context lacks
        # "还有吗", "那酒店呢", "有哪些类型": no subject of their own, so the context's. Otherwise
        # the message may have moved on: to nothing the knowledge base knows, or to a better passage.
        own_words = [] if request.follow_up else self._subject_words(request.text, index)
        if own_words and result.coverage == 0.0:
            return None  # nothing the knowledge base knows: not a follow-up of ours
        context_text = "".join(p.text for e in carried for p in index.entries[e])
        if (
            [w for w in own_words if self._specific(w, index) and w not in context_text]
            and outside
            and result.confidence >= self.settings.min_confidence
            and outside[0].score - inside[0].score > self.settings.context_margin
        ):
            return None
        shown = set(request.exclude) | set(request.shown)
        if (line := self._context_item(request, index, carried)) is not None:
            return line
        # A kind the context entry lacks is looked for in the entries its answer named only when it
        # is a case (a case illustrates the concepts it names: "分为哪几类" is about them).
        own_only = not self._is_case(carried[0], index) and not self._asks_for_cases(request, index)
        for entry in carried[:1] if own_only else carried:
            if request.kinds:
                kinds = request.kinds
                if self._is_case(entry, index):
                    # A case's sections are the parts of its story ("这个例子说明了什么" → 启示);
                    # "有案例吗" about a case looks further (its entry named other cases).
                    kinds = [k for k in kinds if k != index.routing.roles.cases]
                    if not kinds:
                        continue
                section = self._section(entry, kinds, request.industry, index, hits, request.exclude)
                if section is not None:
                    return self._answer(request, index, section, hits)
        if index.routing.roles.cases in request.kinds:
            # A case question the context entries have no case section for: a case they link to
            # (after a case: another one), else a case from the whole knowledge base.
            for entry in carried:
                linked = self._linked_case(entry, index, hits, exclude={*carried, *(p.split("#")[0] for p in shown)})
                if linked is not None:
                    return self._answer(request, index, linked, hits)
            if self._is_case(carried[0], index):
                return None
        # The kind asked is not in the context: the first context entry's best passage not yet shown.
        primary = [h for h in inside if h.passage.entry_id == carried[0]] or inside
        fresh = [h for h in primary if h.passage.id not in shown] or primary
        return self._answer(request, index, fresh[0].passage, hits)

    def _context_item(self, request: Request, index: Index, carried: list[str]) -> Decision | None:
        """A short message naming a part of the context: a subsection ("培训那块呢" → 应用 · 培训与管理)
        or an item of a list ("响应性呢")."""
        words = [w for w in self._subject_words(request.text, index) if len(w) >= 2]
        if not words or len(normalize(request.text)) > 12:
            return None
        shown = set(request.shown)
        for entry in carried:
            parts = [
                p
                for p in index.entries.get(entry, [])
                if " · " in p.section and p.id not in shown and any(w in p.section.split(" · ", 1)[1] for w in words)
            ]
            if len(parts) == 1:
                return self._answer(request, index, parts[0], [])
        for entry in carried:
            for passage in index.entries.get(entry, []):
                lines = [line for w in words if (line := _item_line(passage.text, w))]
                if len(set(lines)) == 1:
                    return Decision("answer", [passage], excerpt=lines[0])
        return None

    @staticmethod
    def _specific(word: str, index: Index) -> bool:
        """A word only a few passages use (at most `SPECIFIC_SHARE` of them): evidence of a subject.
        Common words (客户, 满意度, 实际) say little about where a question belongs."""
        df = index.document_frequency(word)
        return 0 < df <= max(1, int(SPECIFIC_SHARE * len(index.passages)))

    @staticmethod
    def _subject_words(text: str, index: Index) -> list[str]:
        """The message's words other than question words, kind cues and industries: its own subject."""
        cues = index.routing.cue_words
        return [
            t
            for t in index.segmenter.tokens(text)
            if normalize(t) not in index.terms.industries and not any(normalize(t) in cue for cue in cues)
        ]

    def _asks_for_cases(self, request: Request, index: Index) -> bool:
        return bool(request.kinds) and request.kinds[0] == index.routing.roles.cases

    def _case(
        self, request: Request, index: Index, result: SearchResult, hits: list[Hit], unknown: str | None
    ) -> Decision:
        """A case question: a case entry (the industry's first), honest about names we lack."""
        cases = [h for h in hits if self._is_case(h.passage.entry_id, index)]
        note = None
        if request.industry:
            in_industry = [h for h in cases if request.industry in h.passage.industries]
            if in_industry:
                cases = in_industry + [h for h in cases if h not in in_industry]
            elif cases:
                note = Note("utter_industry_gap", {"industry": request.industry})
        if unknown and cases:
            note = Note("utter_unknown_name", {"name": unknown})
        elif not request.industry and result.confidence < self.settings.min_confidence:
            return self._not_found(hits)  # nothing ties the question to the cases we hold
        if not cases:
            return self._answer(request, index, hits[0].passage, hits)
        entry = cases[0].passage.entry_id
        decision = self._answer(request, index, self._opening(entry, index, []), hits)
        decision.note = note
        return decision

    def _shared_fragment(self, request: Request, index: Index) -> Decision | None:
        """A message that is only an industry ("银行") or a fragment of several titles ("情感"):
        ask which entry is meant, rather than guess."""
        words = [t for t in index.segmenter.tokens(request.text) if t not in index.routing.cue_words]
        if not words or index.routing.kinds_in(request.text):
            return None
        key = normalize("".join(words))
        industry = index.terms.industries.get(key)
        if industry:
            entries = [e for e, ps in index.entries.items() if any(industry in p.industries for p in ps)]
            entries.sort(key=lambda e: not self._is_case(e, index))
        elif len(key) >= 2 and key not in index.terms.topics:
            entries = [e for e, title in index.titles.items() if key in normalize(title)]
        else:
            return None
        if len(entries) < 2:
            return None
        return Decision("clarify", choices=[index.entries[e][0] for e in entries[:5]], clarify_about=industry or key)

    def _not_found(self, hits: list[Hit]) -> Decision:
        return Decision("not_found", related=list(dict.fromkeys(h.passage.title for h in hits))[:3])

    def _answer(self, request: Request, index: Index, passage: Passage, hits: list[Hit]) -> Decision:
        note = None
        if request.industry and request.industry not in passage.industries and request.industry not in passage.text:
            note = Note("utter_industry_gap", {"industry": request.industry})
        return Decision("answer", [passage], note=note, alternatives=self._alternatives(passage, hits))

    def _alternatives(self, passage: Passage, hits: list[Hit]) -> list[Passage]:
        if not hits:
            return []
        best = hits[0].score
        seen = {passage.entry_id}
        out = []
        for hit in hits:
            if best - hit.score > self.settings.alternative_margin:
                break
            if hit.passage.entry_id not in seen:
                seen.add(hit.passage.entry_id)
                out.append(hit.passage)
        return out[:2]

    # --- sections of one entry ------------------------------------------------------------

    @staticmethod
    def _is_case(entry: str, index: Index) -> bool:
        passages = index.entries.get(entry) or []
        return bool(passages) and passages[0].entry_type == CASE_TYPE

    @staticmethod
    def _definition(entry: str, index: Index) -> Passage:
        own = index.entries[entry]
        return next((p for p in own if p.kind == index.routing.roles.definition), own[0])

    @staticmethod
    def _opening(entry: str, index: Index, asked: list[str]) -> Passage:
        """A case is itself the example: the part asked for ("效果如何"), else its beginning;
        another entry: its definition."""
        own = index.entries[entry]
        part = next((p for kind in asked for p in own if p.kind == kind), None)
        if part is not None:
            return part
        if own[0].entry_type == CASE_TYPE:
            return own[0]
        return AnswerPolicy._definition(entry, index)

    @staticmethod
    def _section(
        entry: str, kinds: list[str], industry: str | None, index: Index, hits: list[Hit], exclude: Iterable[str] = ()
    ) -> Passage | None:
        """The entry's section of the first kind it has (not excluded), preferring the industry's
        subsection, then the better-ranked one."""
        ranks = {h.passage.id: rank for rank, h in enumerate(hits)}
        skip = set(exclude)
        own = [p for p in index.entries.get(entry, []) if p.id not in skip]
        for kind in kinds:
            candidates = [p for p in own if p.kind == kind]
            if candidates:
                return min(
                    candidates,
                    key=lambda p: (industry is not None and industry not in p.industries, ranks.get(p.id, len(ranks))),
                )
        return None

    def _linked_case(self, entry: str, index: Index, hits: list[Hit], exclude: Iterable[str] = ()) -> Passage | None:
        """A case the entry links to (or that links to it), the best-ranked first."""
        own = index.entries.get(entry, [])
        linked = set(own[0].related) if own else set()
        linked |= {e for e, ps in index.entries.items() if ps and entry in ps[0].related}
        cases = [e for e in linked - set(exclude) if self._is_case(e, index)]
        if not cases:
            return None
        ranks = {h.passage.entry_id: rank for rank, h in reversed(list(enumerate(hits)))}
        best = min(cases, key=lambda e: ranks.get(e, len(hits)))
        return index.entries[best][0]


def _item_line(text: str, item: str) -> str | None:
    """The line of a Markdown list that introduces `item` ("- **文化建设**：……")."""
    want = normalize(item)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in "-*+" or stripped[:1].isdigit():
            head = re.split(r"[：:]", stripped, maxsplit=1)[0]
            if want and want in normalize(head.replace("*", "")):
                return stripped
    return None


def unknown_name(text: str, index: Index) -> str | None:
    """A name the knowledge base does not hold ("海底捞的服务案例有吗" → 海底捞, "招商银行怎么做" → 招商银行).

    A run of words unknown to the index (not question words, cues or known names) counts as a
    name when it stands before "的" and has no function word in it (还有别的案例吗 is no name),
    or when jieba tags it a proper noun (person, place, organization); a Latin word inside a
    Chinese message counts too.
    """
    vocabulary = index.bm25.vocab_dict
    cues = index.routing.cue_words
    known_terms = {*index.terms.topics, *index.terms.industries}
    chinese = bool(_CJK.search(text))

    def unknown(word: str) -> bool:
        key = normalize(word)
        return (
            bool(re.search(r"\w", key))
            and key not in vocabulary
            and key not in STOPWORDS
            and key not in known_terms
            and not any(key in cue for cue in cues)
        )

    tagged = index.segmenter.tagged(text)
    run: list[tuple[str, str]] = []
    for word, flag in [*tagged, ("", "")]:
        if word and unknown(word):
            run.append((word, flag))
            continue
        if run:
            name = "".join(w for w, _ in run)
            flags = {f for _, f in run}
            latin = _LATIN_WORD.fullmatch(name) is not None
            # Before 的, one dictionary word is an ordinary noun ("实际的例子"); a name is several
            # pieces jieba had to cut ("海底" + "捞") or a word it does not know.
            name_like = len(run) > 1 or not index.segmenter.known(run[0][0])
            if (
                len(name) >= 2
                and not (flags & _FUNCTION_WORDS)
                and ((word == "的" and not latin and name_like) or flags & _PROPER_NOUNS or (latin and chinese))
            ):
                return name
            run = []
    return None


def candidate(hit: Hit) -> Candidate:
    p = hit.passage
    return Candidate(p.id, p.citation, p.source, p.line, hit.score, hit.dense, hit.lexical)
