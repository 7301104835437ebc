"""The facts a turn's rules weigh, each computed once and only when a rule asks for it.

Rules of the policy look at the same evidence: what the message names, the retrieval ranking
over the whole knowledge base (with the conversation's context always scored), a name we lack,
the message's own subject words. Computing them here, lazily, keeps every rule small and keeps
a turn that a list item decides from paying for a search.

Usage:
    evidence = Evidence(request, index, retriever, settings, trace)
    evidence.hits[0].passage.citation, evidence.result.confidence
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from bot.conversation.decision import Decision, Note
from bot.conversation.names import unknown_name
from bot.conversation.planning import Request
from bot.conversation.sections import is_case
from bot.conversation.trace import Candidate, Trace
from bot.indexing.store import Index
from bot.knowledge.entries import Passage
from bot.knowledge.terms import normalize
from bot.retrieval.query import QueryAnalysis
from bot.retrieval.search import Hit, Retriever, SearchResult
from bot.retrieval.subject import Subject
from bot.retrieval.word_classes import PERSONAL_PRONOUNS, nominal

#: Candidates retrieved per turn: the whole ranking the policy weighs (cheap at this size).
CANDIDATES = 50
#: Share of passages a word may occur in and still say what a message is about (see `specific`):
#: on the current knowledge base (148 passages) that is at most 4, e.g. 压力 1, 过敏 3, but not 实际 7.
SPECIFIC_SHARE = 0.03
#: A concept we lack has a longer name than one everyday word of this length (道理, 柜面).
EVERYDAY_WORD = 2
#: Words opening with 这 that point at nothing said before ("这里" places, "这么" intensifies).
NOT_POINTING = frozenset({"这里", "这儿", "这么", "这边"})
#: Intent that asks for an example (domain.yml).
CASE_INTENT = "ask_case"


@dataclass(frozen=True)
class PolicySettings:
    """Thresholds of the policy; the measurements that chose them are in endpoints.yml's comments."""

    min_confidence: float = 0.0
    #: A follow-up leaves its context only for a passage elsewhere this much better (fused score).
    context_margin: float = 0.15
    #: Runners-up within this much of the best (fused score) are offered as suggestions.
    alternative_margin: float = 0.12
    #: Staff telling of their own state get a passage about staff this close to the best (fused score).
    own_state_margin: float = 0.2

    def __post_init__(self) -> None:
        if min(self.context_margin, self.alternative_margin, self.own_state_margin) < 0:
            raise ValueError("margins must not be negative")


class Evidence:
    def __init__(
        self, request: Request, index: Index, retriever: Retriever, settings: PolicySettings, trace: Trace
    ) -> None:
        self.request = request
        self.index = index
        self.retriever = retriever
        self.settings = settings
        self.trace = trace

    # --- what the message says -------------------------------------------------------------

    @cached_property
    def named(self) -> list[str]:
        """Entries the message names that the index holds."""
        return [t for t in self.request.topics if t in self.index.entries]

    @cached_property
    def unknown(self) -> str | None:
        """A name the knowledge base lacks ("海底捞的案例"), when the message names no entry."""
        return None if self.request.topics else unknown_name(self.request.text, self.index)

    @cached_property
    def subject(self) -> Subject:
        """The message's own subject, and whether the knowledge base mentions it."""
        return self.index.subjects.find(self.request.text)

    @cached_property
    def context(self) -> list[str]:
        """The conversation's entries still in the knowledge base (a trainer may have deleted one)."""
        return [t for t in self.request.context if t in self.index.entries]

    @cached_property
    def tagged(self) -> list[tuple[str, str]]:
        """The message's words with jieba's parts of speech, cut once for every rule that weighs them."""
        return self.index.segmenter.tagged(normalize(self.request.text))

    @cached_property
    def flags(self) -> dict[str, str]:
        """Each word's part of speech, looked up by word (a word said twice: its last reading)."""
        return dict(self.tagged)

    def foreign_words(self, cues: Iterable[str] = ()) -> list[str]:
        """Nouns of the message that the knowledge base never uses (服务器 in "华为的服务器怎么续费"),
        other than the `cues` the question asks with (多久): beside a name of ours they show the
        message is about something else. English words are no evidence: staff mix in English for
        our own concepts ("complaint handling有好的case吗")."""
        cues = list(cues)
        known = self.index.subjects.known
        return [
            w
            for w, flag in self.tagged
            if nominal(flag) and len(w) > 1 and not w.isascii() and not known([w])
            if not any(w in cue or cue in w for cue in cues)
        ]

    @property
    def carried(self) -> list[str]:
        """Context entries the message may continue: none when it names an entry or a name we lack."""
        if self.request.topics or self.unknown:
            return []
        return self.context

    @property
    def asks_for_cases(self) -> bool:
        kinds = self.request.kinds
        return bool(kinds) and kinds[0] == self.index.routing.roles.cases

    @property
    def asks_a_part_of_the_case(self) -> bool:
        """After a case, a cue word asks for a part of its story ("对我们门店有啥启发" → its lesson),
        whatever industry the message names: that case's section, not another industry's."""
        context = self.context
        if not context or not self.is_case(context[0]):
            return False
        parts = {p.kind for p in self.index.entries.get(context[0], [])} - {self.index.routing.roles.cases}
        return any(k in parts for k in self.index.routing.kinds_in(self.request.text, case=True))

    @property
    def cases_in_words(self) -> bool:
        """The message's own words ask for examples ("有没有X的案例"); the intent alone may be a guess."""
        return self.index.routing.roles.cases in self.index.routing.kinds_in(self.request.text)

    @property
    def asks_case_intent(self) -> bool:
        return self.request.intent == CASE_INTENT

    def asks_a_kind_in_words(self, entry: str) -> bool:
        """Whether the message's own words ask for a kind of section: a cue word, or a situation
        (its steps); about a case, "这个例子" names the case itself, not a kind. Otherwise the
        kinds planned are the intent classifier's guess."""
        routing = self.index.routing
        text = self.request.text
        case = self.is_case(entry)
        return any(
            not (case and k == routing.roles.cases) for k in routing.kinds_in(text, case=case)
        ) or routing.situation(text)

    @cached_property
    def speaks_of_the_conversation(self) -> bool:
        """A person spoken of again by a pronoun, a thing pointed at by "这…" opening the message
        ("这件事给我们的教训是啥", "这些小细节有用吗"), or a subject that is one ordinary two-character
        word of the dictionary besides the words asking for a kind of section ("最后效果咋样",
        "背后啥道理"): the names of concepts we lack are longer ("服务补救", "峰终定律")."""
        segmenter = self.index.segmenter
        words = segmenter.words(normalize(self.request.text))
        pointing = bool(words) and words[0].startswith("这") and words[0] not in NOT_POINTING
        if pointing or any(w in PERSONAL_PRONOUNS for w in words):
            return True
        chunks = self.subject.chunks
        if len(chunks) != 1:
            return False
        cues = self.index.routing.cue_words
        own = [w for w in chunks[0].words if w not in cues]  # "最后效果咋样": 效果 asks for a kind
        return len(own) == 1 and len(own[0]) == EVERYDAY_WORD and segmenter.ordinary(own[0])

    def content_words(self) -> list[str]:
        """The message's tokens without conjunctions, particles and the like (因为, 吗)."""
        segmenter = self.index.segmenter
        return [w for w in segmenter.tokens(self.request.text) if not segmenter.grammatical(w)]

    def subject_words(self, text: str | None = None) -> list[str]:
        """The message's words other than question words, kind cues and industries: its own subject."""
        cues = self.index.routing.cue_words
        return [
            t
            for t in self.index.segmenter.tokens(self.request.text if text is None else text)
            if normalize(t) not in self.index.terms.industries and not any(normalize(t) in cue for cue in cues)
        ]

    @cached_property
    def named_words(self) -> list[str]:
        """The subject's words of two characters or more that are not common in the knowledge base:
        what the message is about, as the evidence that an entry covers it."""
        words = (w for c in self.subject.chunks for w in c.words if len(w) > 1)
        return [w for w in dict.fromkeys(words) if w not in self.index.common_words]

    @cached_property
    def speaks_of_someone(self) -> bool:
        """Whether the message speaks of a person: someone staff serve or work with, or him, her."""
        text = self.request.text
        said = self.index.segmenter.words(text)
        return self.index.routing.names_someone(text, said) or any(w in PERSONAL_PRONOUNS for w in said)

    def specific(self, word: str) -> bool:
        """A word only a few passages use (at most `SPECIFIC_SHARE` of them): evidence of a subject.
        Common words (客户, 满意度, 实际) say little about where a question belongs."""
        df = self.index.document_frequency(word)
        return 0 < df <= max(1, int(SPECIFIC_SHARE * len(self.index.passages)))

    # --- retrieval ---------------------------------------------------------------------------

    @cached_property
    def result(self) -> SearchResult:
        """The whole knowledge base ranked for the message, the context's passages always scored."""
        request = self.request
        hints = QueryAnalysis(
            topics=list(request.topics), industries=[request.industry] if request.industry else [], kinds=request.kinds
        )
        query = (
            request.text
            if not request.industry or request.industry in request.text
            else f"{request.text} {request.industry}"
        )
        result = self.retriever.search(query, top_k=CANDIDATES, hints=hints, index=self.index, include=self.carried)
        self.trace.confidence = result.confidence
        self.trace.threshold = self.settings.min_confidence
        self.trace.rank(_candidate(h) for h in result.hits if h.passage.id not in request.exclude)
        return result

    @cached_property
    def hits(self) -> list[Hit]:
        """The ranking without the passages the user asked not to repeat ("还有吗")."""
        return [h for h in self.result.hits if h.passage.id not in self.request.exclude]

    @property
    def confident(self) -> bool:
        return bool(self.hits) and self.result.confidence >= self.settings.min_confidence

    # --- decisions every rule makes the same way ----------------------------------------------

    def answer(self, passage: Passage, hits: list[Hit] | None = None) -> Decision:
        """An answer with a note when the industry asked is not the passage's, and the runners-up."""
        hits = self.hits if hits is None else hits
        note = None
        industry = self.request.industry
        if industry and industry not in passage.industries and industry not in passage.text:
            note = Note("utter_industry_gap", {"industry": industry})
        self.trace.margin = _margin(passage, hits)
        return Decision("answer", [passage], note=note, alternatives=self.alternatives(passage, hits))

    def alternatives(self, passage: Passage, hits: list[Hit]) -> list[Passage]:
        """Up to two passages of other entries within `alternative_margin` of the best."""
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

    def not_found(self) -> Decision:
        return Decision("not_found", related=list(dict.fromkeys(h.passage.title for h in self.hits))[:3])

    def is_case(self, entry: str) -> bool:
        return is_case(entry, self.index)


def _candidate(hit: Hit) -> Candidate:
    p = hit.passage
    return Candidate(p.id, p.citation, p.source, p.line, hit.score, hit.dense, hit.lexical)


def _margin(passage: Passage, hits: list[Hit]) -> float | None:
    """Fused score of the answered passage minus the best passage of another entry."""
    own = next((h.score for h in hits if h.passage.id == passage.id), None)
    other = next((h.score for h in hits if h.passage.entry_id != passage.entry_id), None)
    return None if own is None or other is None else own - other
