"""The subject of a question: what is left when its question words, cue words and industries are
taken away, and whether the knowledge base ever mentions it.

"服务补救是什么意思" asks about 服务补救; the knowledge base never says 服务补救, so no passage can
answer it, however close its cosine. "顾客插队怎么办" describes a situation and "怎么记住客人喜好"
a task: their everyday words need not be the knowledge base's, a practice can still answer them.
This module finds the subject and its evidence; the policy's `absent_subject` rule decides.

A subject is mentioned when the knowledge base says it: the words themselves, or for several
words each adjacent pair of them somewhere side by side (function words such as 的 between them
do not count), so "情感智能培养" is mentioned by "情感智能的培养" but "服务利润链" by nothing.

Usage:
    subject = find_subject("讲讲服务利润链", index)
    subject.chunks, subject.term_question, subject.missing  # → (['服务利润链'], True, ['服务利润链'])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable, normalize
from bot.retrieval.segment import STOPWORDS, Segmenter

#: jieba part-of-speech flags of words that are no part of a subject: pronoun, adverb,
#: conjunction, preposition, particles, interjection, onomatopoeia, measure word, direction,
#: place and time words (numerals stay: 六西格玛, 5S管理 are names).
_FUNCTION = frozenset({"r", "d", "c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o", "q", "f", "s", "t"})
#: … of which these only give the question its tone: a message of a subject and these is bare.
_TONE = frozenset({"u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o"})
#: Adverbs that ask how: a verb right after one starts a task ("怎么记住客人喜好").
HOW = frozenset({"怎么", "如何", "怎样", "咋", "怎么样", "咋样"})
#: Verbs that only carry the question ("怎么做好X", "X怎么搞"), not its subject.
LIGHT_VERBS = frozenset(
    {"做", "做好", "搞", "搞好", "弄", "弄好", "整", "开展", "实施", "落实", "推行", "进行", "用", "办"}
)
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")
_JOINING = frozenset({"的", "之"})
SUBJECT, FORM, OTHER = "subject", "form", "other"
#: A question about one term has one short subject; a longer one describes a situation.
TERM_WORDS = 4


@dataclass(frozen=True)
class Chunk:
    words: tuple[str, ...]
    mentioned: bool
    #: something to do, asked how ("怎么记住客人喜好"), not a thing's name
    task: bool = False

    @property
    def text(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True)
class Subject:
    chunks: list[Chunk] = field(default_factory=list)
    situation: bool = False  # the message presents a situation to handle
    #: the message asks about its subject as a thing: a kind of section ("X是什么", "X有什么用"),
    #: how to do it ("X怎么搞"), or nothing else at all ("服务蓝图")
    asks_about: bool = False

    @property
    def term_question(self) -> bool:
        """A question about one short nominal subject, not a situation: the subject must be ours."""
        if self.situation or not self.asks_about or len(self.chunks) != 1:
            return False
        chunk = self.chunks[0]
        return len(chunk.words) <= TERM_WORDS and not chunk.task

    @property
    def missing(self) -> list[str]:
        """Chunks the knowledge base never mentions."""
        return [c.text for c in self.chunks if not c.mentioned]


class SubjectFinder:
    """Finds subjects against one index's vocabulary; built once per loaded index."""

    def __init__(self, segmenter: Segmenter, routing: Routing, terms: TermTable, texts: Iterable[str]) -> None:
        self.segmenter = segmenter
        self.routing = routing
        self.terms = terms
        self._cues = sorted({*routing.cue_words, *routing.situation_cues}, key=len, reverse=True)
        self._words: set[str] = set(terms.topics)
        self._pairs: set[tuple[str, str]] = set()
        texts = [normalize(t) for t in texts]
        #: everything the knowledge base says, for words jieba cut differently there ("具体做法")
        self._text = "\n".join([*texts, *terms.topics])
        for text in texts:
            tagged = self._words_of(text)
            self._words.update(w for w, _, role in tagged if role != FORM)  # whatever part of speech jieba gave it
            words = [w if role == SUBJECT else "" for w, _, role in tagged]
            self._pairs.update((a, b) for a, b in zip(words, words[1:]) if a and b)

    def find(self, text: str) -> Subject:
        """`text` as the reader understood it (Simplified, typos read as the knowledge base's words)."""
        text = normalize(text)
        runs: list[list[str]] = [[]]
        tasks: set[int] = set()  # runs that start with a verb right after 怎么
        other = False  # words that are neither subject nor question form
        previous = ""
        for word, flag, role in self._words_of(self._without_cues(text)):
            if role == SUBJECT:
                if not runs[-1] and previous in HOW and flag == "v":
                    tasks.add(len(runs) - 1)
                runs[-1].append(word)
            else:
                other = other or role == OTHER
                if runs[-1]:
                    runs.append([])
            previous = word
        chunks = []
        for number, run in enumerate(runs):
            if len("".join(run)) > 1:
                chunks.append(Chunk(tuple(run), self._mentioned(tuple(run)), number in tasks))
            elif run:
                other = True  # a one-character word ("累", "变") says more than a bare name
        light = any(word in LIGHT_VERBS for word in self.segmenter.words(text))
        asks = bool(self.routing.kinds_in(text)) or light or not other
        return Subject(chunks, self.routing.situation(text), asks)

    def _without_cues(self, text: str) -> str:
        """The text with each cue word replaced by a blank, except inside a name of ours:
        "服务质量五维度" (an alias) keeps its 维度, or its subject would be "服务质量五"."""
        taken = [False] * len(text)
        for name in self.terms.topics:
            for start in _occurrences(text, name):
                taken[start : start + len(name)] = [True] * len(name)
        blanked: dict[int, int] = {}  # start -> end of each cue word taken out
        for cue in self._cues:  # longest first
            for start in _occurrences(text, cue):
                end = start + len(cue)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(cue)
                    blanked[start] = end
        out, last = [], 0
        for start in sorted(blanked):
            out += [text[last:start], " "]
            last = blanked[start]
        return "".join([*out, text[last:]])

    def _words_of(self, text: str) -> list[tuple[str, str, str]]:
        """Each word with its part of speech and role: subject, question form and tone, or other.
        The attributive particles (的, 之) are left out: they join their words."""
        out = []
        for word, flag in self.segmenter.tagged(text):
            key = normalize(word)
            if key in _JOINING:
                continue
            if not _CONTENT.search(key) or key in STOPWORDS or key in LIGHT_VERBS or flag in _TONE:
                role = FORM
            elif key in self.terms.industries:
                role = FORM  # an industry narrows the question, it is not its subject
            elif flag in _FUNCTION:
                role = OTHER
            else:
                role = SUBJECT
            out.append((key, flag, role))
        return out

    def _mentioned(self, words: tuple[str, ...]) -> bool:
        """Every word is the knowledge base's, and unless one is a name of ours, each adjacent pair
        stands side by side somewhere ("服务承诺" does nowhere)."""
        if not self.known(words):
            return False
        if len(words) == 1 or any(w in self.terms.topics for w in words):
            return True
        return all(pair in self._pairs or "".join(pair) in self._text for pair in zip(words, words[1:]))

    def known(self, words: Iterable[str]) -> bool:
        """Whether the knowledge base uses each of the words somewhere."""
        return all(w in self._words or (len(w) > 1 and w in self._text) for w in words)


def _occurrences(text: str, word: str) -> Iterator[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)
