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
#: Verbs that only carry the question ("怎么做好X", "X怎么搞", "换成酒店的呢"), not its subject.
LIGHT_VERBS = frozenset(
    {
        "做",
        "做好",
        "搞",
        "搞好",
        "弄",
        "弄好",
        "整",
        "开展",
        "实施",
        "落实",
        "推行",
        "进行",
        "用",
        "办",
        "换成",
        "换个",
        "改成",
    }
)
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")
_JOINING = frozenset({"的", "之"})
#: Particles that may stand at a question's edges and set a cue word off from its subject.
_SEPARATORS = frozenset("呢吗吧啊呀哦嘛了的是有之")
SUBJECT, FORM, OTHER = "subject", "form", "other"
#: Parts of speech jieba gives the pieces of a word it does not know (峰 nr, 终 d, 链 ng): such a
#: one-character piece inside a run stays in it; a pronoun or a question word (咋) does not.
_FRAGMENT = frozenset("dnqfs")
#: Parts of speech that end a description of what someone does or how they are: verbs, adjectives,
#: idioms and set phrases, states (not verbal nouns such as 调查 or 管理).
_PREDICATE = frozenset({"v", "vd", "vi", "a", "l", "i", "z"})
#: A question about one term has one short subject; a longer one describes a situation.
TERM_WORDS = 4
#: Share of passages a word may occur in and still say what a question is about (e.g. 压力, 过敏).
SPECIFIC_SHARE = 0.03


@dataclass(frozen=True)
class Chunk:
    words: tuple[str, ...]
    mentioned: bool
    #: something to do, asked how ("怎么记住客人喜好"), not a thing's name
    task: bool = False
    #: every word is one the knowledge base uses (else it holds a word we never say)
    known: bool = True
    #: a word the general dictionary lacks, or a Latin one: the name of something ("区块链", "OKR")
    name_like: bool = False
    #: a word only a few passages use: this chunk says what the question is about
    specific: bool = False

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
    #: the message says what someone did or how they are ("排队太久客户不耐烦"): an event, no term
    event: bool = False

    @property
    def term_question(self) -> bool:
        """A question about a thing, not a situation: one short nominal subject, or a few words of
        which one is a word the knowledge base never says ("区块链在服务中怎么用")."""
        if self.situation or self.event or not self.asks_about or not self.chunks:
            return False
        if len(self.chunks) == 1:
            chunk = self.chunks[0]
            return len(chunk.words) <= TERM_WORDS and not chunk.task
        # Several chunks: a name we lack beside only common words ("区块链在服务中怎么用").
        words = sum(len(c.words) for c in self.chunks)
        names = [c for c in self.chunks if c.name_like and not c.known]
        return words <= TERM_WORDS + 1 and bool(names) and not any(c.specific for c in self.chunks if c not in names)

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
        #: what may be taken off a question's edges: its cue words, question words, particles
        self._units = {*self._cues, *(w for w in (*STOPWORDS, *LIGHT_VERBS) if len(w) > 1)}
        self._words: set[str] = set(terms.topics)
        self._pairs: set[tuple[str, str]] = set()
        texts = [normalize(t) for t in texts]
        #: everything the knowledge base says, for words jieba cut differently there ("具体做法")
        self._text = "\n".join([*texts, *terms.topics])
        #: in how many passages each word occurs, and how few make a word specific
        self._passages: dict[str, int] = {}
        self._specific = max(1, int(SPECIFIC_SHARE * len(texts)))
        for text in texts:
            tagged = self._words_of(text)
            for word in {w for w, _, role in tagged if role == SUBJECT}:
                self._passages[word] = self._passages.get(word, 0) + 1
            self._words.update(w for w, _, role in tagged if role != FORM)  # whatever part of speech jieba gave it
            words = [w if role == SUBJECT else "" for w, _, role in tagged]
            self._pairs.update((a, b) for a, b in zip(words, words[1:]) if a and b)

    def find(self, text: str) -> Subject:
        """`text` as the reader understood it (Simplified, typos read as the knowledge base's words)."""
        text = normalize(text)
        #: names of ours in the text: their pieces are ours too ("emotional labor" → emotional, labor)
        named = [n for n in self.terms.topics if n in text]
        runs: list[list[str]] = [[]]
        tasks: set[int] = set()  # runs that start with a verb right after 怎么
        other = False  # words that are neither subject nor question form
        previous = ""
        #: the run opens with a one-character verb: an action before its object ("发" + "祝福": left
        #: out) or a piece of a word jieba did not know ("破" + "窗": kept)
        lead = False
        said: list[tuple[str, str]] = []  # every content word with its part of speech, in order
        tagged = self._words_of(self._without_edge_cues(text))
        for number, (word, flag, role) in enumerate(tagged):
            if role != FORM:
                said.append((word, flag))
            if role == SUBJECT or (role == OTHER and self._fragment(runs[-1], word, flag, tagged[number + 1 :])):
                if not runs[-1] and previous in HOW and flag == "v":
                    tasks.add(len(runs) - 1)
                if lead and len(runs[-1]) == 1 and len(word) > 1:
                    runs[-1].clear()  # "发祝福": the action before its object is no part of a name
                lead = not runs[-1] and len(word) == 1 and flag == "v"
                runs[-1].append(word)
            else:
                other = other or role == OTHER
                if runs[-1]:
                    runs.append([])
            previous = word
        chunks = []
        for number, run in enumerate(runs):
            if len("".join(run)) > 1:
                words = tuple(run)
                chunks.append(
                    Chunk(
                        words,
                        self._mentioned(words) or any("".join(words) in n.replace(" ", "") for n in named),
                        number in tasks,
                        self.known(w for w in words if not any(w in n for n in named)),
                        _name_like(words, self.segmenter),
                        any(0 < self._passages.get(w, 0) <= self._specific for w in words),
                    )
                )
            elif run:
                other = True  # a one-character word ("累", "变") says more than a bare name
        light = any(word in LIGHT_VERBS for word in self.segmenter.words(text))
        asks = bool(self.routing.kinds_in(text)) or light or not other
        return Subject(chunks, self.routing.situation(text), asks, self._someone_does(said))

    @staticmethod
    def _fragment(run: list[str], word: str, flag: str, after: list[tuple[str, str, str]]) -> bool:
        """jieba cuts a word it does not know into single characters (峰 + 终 + 定律): a
        one-character word inside a run stays in it, between two pieces of it or after another
        single character; one that only trails a run ("一般" + "分") is the question's verb."""
        if len(word) != 1 or not run or flag[:1] not in _FRAGMENT:
            return False
        return len(run[-1]) == 1 or bool(after and after[0][2] == SUBJECT)

    def _someone_does(self, said: list[tuple[str, str]]) -> bool:
        """A person, and at the end what they do or how they are ("客户不耐烦", "顾客嫌上菜慢",
        "顾客插队"): the message describes an event, not a term ("神秘顾客", "客户旅程地图")."""
        people = set(self.routing.people)
        if not said or said[-1][1] not in _PREDICATE:
            return False  # a term ends in a noun: 客户费力度, 员工敬业度调查
        return any(word in people or any(word.endswith(p) for p in people) for word, _ in said[:-1])

    def _without_edge_cues(self, text: str) -> str:
        """The question without the words that ask it, at its end ("X有什么用", "X指的是什么",
        "X的作用是什么") and start ("什么是X"). After the outermost one, a short cue counts only
        where something sets it off ("的作用"): one joined to the subject is part of it
        ("情绪价值有什么用": 价值). Nothing is taken out of a name of ours ("服务质量五维度")."""
        names = [(start, start + len(n)) for n in self.terms.topics for start in _occurrences(text, n)]
        low, high = 0, len(text)
        for at_end in (True, False):
            first = True
            while low < high:
                rest_text = text[low:high]
                unit = self._edge_unit(rest_text, at_end)
                if unit is None:
                    break
                cut = (high - len(unit), high) if at_end else (low, low + len(unit))
                if any(s < cut[1] and e > cut[0] and (s < cut[0] or e > cut[1]) for s, e in names):
                    break  # the unit is part of a longer name
                rest = text[low : cut[0]] if at_end else text[cut[1] : high]
                beside = rest[-1:] if at_end else rest[:1]
                set_off = not rest or beside in _SEPARATORS or not _CONTENT.match(beside)
                particle = unit in _SEPARATORS or not _CONTENT.search(unit)
                if not (first or particle or len(unit) >= 3 or unit in STOPWORDS or set_off):
                    break
                low, high = (low, cut[0]) if at_end else (cut[1], high)
                first = first and particle
        return text[low:high]

    def _edge_unit(self, text: str, at_end: bool) -> str | None:
        """The longest cue, question word or particle at that edge of the text."""
        # 怎么 at the start stays: a verb after it makes the subject a task ("怎么提高回头客").
        found = [u for u in self._units if (text.endswith(u) if at_end else text.startswith(u) and u not in HOW)]
        if found:
            return max(found, key=len)
        edge = text[-1] if at_end else text[0]
        return edge if not _CONTENT.match(edge) or edge in _SEPARATORS else None

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
        stands side by side somewhere ("服务承诺" does nowhere). One-character words (发, 链) are
        judged by being known only: any two characters may meet."""
        names = [w for w in words if w in self.terms.topics]
        if names and self.known(w for w in words if w not in names and len(w) > 1):
            return True  # a name of ours; single characters beside it ask about it (分, 用)
        if not self.known(words):
            return False
        longer = tuple(w for w in words if len(w) > 1)
        words = longer or words
        if len(words) == 1 or any(w in self.terms.topics for w in words):
            return True
        return all(pair in self._pairs or "".join(pair) in self._text for pair in zip(words, words[1:]))

    def known(self, words: Iterable[str]) -> bool:
        """Whether the knowledge base uses each of the words somewhere."""
        return all(w in self._words or (len(w) > 1 and w in self._text) for w in words)


def _name_like(words: tuple[str, ...], segmenter: Segmenter) -> bool:
    """A Latin word, or three or more characters the general dictionary has as no word
    ("区块链", cut 区块 + 链): the name of something rather than an everyday phrase."""
    text = "".join(words)
    return any(w.isascii() and w.isalnum() for w in words) or (
        len(text) >= 3 and len(words) <= 2 and not segmenter.known(text)
    )


def _occurrences(text: str, word: str) -> Iterator[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)
