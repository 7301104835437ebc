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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable, normalize
from bot.retrieval.segment import STOPWORDS, Segmenter
from bot.retrieval.word_classes import (
    ASKING_PHRASES,
    ASPECT,
    CONNECTIVE_VERBS,
    CONTENT,
    DEMONSTRATIVES,
    FORM,
    FRAGMENT,
    FUNCTION,
    HOW,
    IDIOM,
    JOINING,
    LEADS,
    LIGHT_VERBS,
    OTHER,
    PREDICATE,
    QUANTITY,
    QUESTION_MORPHEMES,
    SEPARATORS,
    SUBJECT,
    SUFFIX,
    TONE,
    UNDERSTANDING,
    WHAT,
    name_like,
    nominal,
)

#: A question about one term has one short subject; a longer one describes a situation.
TERM_WORDS = 4
#: A Latin word this short, left as typed by the reader, is a chat filler ("ok", "em", "hi"), not a
#: name: the reader has already read the English names of ours ("ai" → 人工智能).
MAX_FILLER_LATIN = 2
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
    #: a noun is in it (or a name of ours, a Latin word): it can name a thing, unlike "几步走"
    nominal: bool = True

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
        #: runs right after "X这个": "客户费力度这个指标" says what kind of thing X is, no second subject
        appositive: set[int] = set()
        #: a last noun after "X是个啥": "客户费力度是个啥指标" says the same of a name we lack; after
        #: words of ours it is what is asked ("客户要的到底是啥感觉")
        kind_of: set[int] = set()
        after_demonstrative = False
        other = False  # words that are neither subject nor question form
        previous = ""
        #: the run opens with a one-character verb: an action before its object ("发" + "祝福": left
        #: out) or a piece of a word jieba did not know ("破" + "窗": kept)
        lead = False
        said: list[tuple[str, str]] = []  # every content word with its part of speech, in order
        tagged = self._words_of(self._without_edge_cues(text))
        flags = {word: flag for word, flag, _ in tagged}
        for number, (word, flag, role) in enumerate(tagged):
            if role != FORM:
                said.append((word, flag))
            if role == SUBJECT and self._idiom_beside_name(word, flag, runs[-1], tagged[number + 1 :]):
                role = OTHER  # "共情服务说到底是个啥": the set phrase is no part of the name
            after = tagged[number + 1 :]
            if role == SUBJECT and _predicate(runs[-1], word, flag, after):
                role = OTHER  # "有啥理论撑着": what the name does, no part of it
            if role == SUBJECT and flag in QUANTITY and len(word) > 1 and any(len(w) > 1 for w in runs[-1]):
                role = OTHER  # "马斯洛一共五层", "情感共鸣那条": a count or a pointer after the name
                while (
                    runs[-1]
                    and not nominal(flags[runs[-1][-1]])
                    and (len(runs[-1][-1]) == 1 or flags[runs[-1][-1]] in LEADS)
                ):
                    runs[-1].pop()  # "情绪分几个阶段", "关键要素一共几个": the verb or adverb goes with the count
            if role == SUBJECT or (
                role == OTHER
                and (self._fragment(runs[-1], word, flag, after) or _locative(runs[-1], word, flag, after))
            ):
                if not runs[-1] and previous in HOW and flag == "v":
                    tasks.add(len(runs) - 1)
                if not runs[-1] and after_demonstrative:
                    appositive.add(len(runs) - 1)
                if not runs[-1] and any(runs) and _kind_asked(tagged[:number], after):
                    kind_of.add(len(runs) - 1)
                if lead and len(runs[-1]) == 1 and len(word) > 1:
                    runs[-1].clear()  # "发祝福": the action before its object is no part of a name
                lead = not runs[-1] and len(word) == 1 and flag == "v"
                runs[-1].append(word)
                after_demonstrative = False
            else:
                other = other or role == OTHER
                after_demonstrative = word in DEMONSTRATIVES and bool(runs[-1])
                if runs[-1]:
                    runs.append([])
            previous = word
        chunks: list[Chunk] = []
        #: runs at the end that only ask for parts ("的四个步骤是哪四个"): of the name before them
        asking_parts: set[int] = set()
        for number in range(len(runs) - 1, -1, -1):
            if runs[number] and not self._parts_asked(runs[number], flags):
                break
            asking_parts.add(number)
        for number, run in enumerate(runs):
            if len(run) == 1 and (number in appositive or (number in kind_of and chunks and not chunks[-1].mentioned)):
                continue  # the kind of thing the run before names ("这个指标")
            if number in asking_parts and chunks and self._names_what_we_lack(chunks[-1], flags):
                continue  # "非暴力沟通的四个要素": which parts of the name before are asked, no subject
            if len("".join(run)) > 1:
                words = tuple(run)
                names = any(nominal(flags.get(w, "")) for w in words)
                chunks.append(
                    Chunk(
                        words,
                        (
                            self._mentioned(words)
                            or self._names_with_ours(words, named)
                            or (not _defined(words, text) and self._name_and_verbs(words, flags))
                        )
                        and not self._narrows_a_name(words, flags),
                        number in tasks,
                        self.known(w for w in words if not any(w in n for n in named)),
                        names and name_like(words, self.segmenter),  # "几步走" names nothing
                        any(0 < self._passages.get(w, 0) <= self._specific for w in words),
                        names,
                    )
                )
            elif run and not (number == len(runs) - 1 and _asked_how(tagged)):
                other = True  # a one-character word ("累", "变") says more than a bare name
        if self._asking_verb(chunks, tagged) and not self._holds_a_name(chunks[-2]):
            chunks.pop()
            said.pop()
        light = any(word in LIGHT_VERBS for word in self.segmenter.words(text))
        kinds = self.routing.kinds_in(text)
        asks = bool(kinds) or light or not other
        # "员工授权是什么": what a thing is, asked in so many words, is asked of a name, not an event
        event = self._someone_does(said) and self.routing.roles.definition not in kinds
        return Subject(chunks, self.routing.situation(text), asks, event)

    def _names_what_we_lack(self, name: Chunk, flags: dict[str, str]) -> bool:
        """A chunk holding a word we never use that says no one did anything: a name we lack, whose
        parts a question may ask for ("非暴力沟通的四个要素"); "客户找上门投诉" is an event and
        "评服务好坏" is in our words, as is "SERVQUAL一共" but for the adverb."""
        if name.mentioned or self._someone_does([(w, flags.get(w, "")) for w in name.words]):
            return False
        return not self.known(w for w in name.words if flags.get(w) not in LEADS and w not in self.terms.topics)

    def _parts_asked(self, run: list[str], flags: dict[str, str]) -> bool:
        """A run of only cue words, counts and question words ("四个要素", "哪五个", "步骤"), or a
        count and then a noun ("哪几个阶段"), at the end of a question: it asks for the parts of the
        name before it, and names nothing of its own."""
        cues = self.routing.cue_words

        def counts(word: str) -> bool:
            return flags.get(word) in QUANTITY or any(c in QUESTION_MORPHEMES for c in word)

        if len(run) > 1 and all(counts(w) for w in run[:-1]) and nominal(flags.get(run[-1], "")):
            return True
        return bool(run) and all(w in cues or counts(w) for w in run)

    @staticmethod
    def _asking_verb(chunks: list[Chunk], tagged: list[tuple[str, str, str]]) -> bool:
        """ "服务主导逻辑怎么理解", "投诉升级机制怎么设计": a verb after 怎么 that ends the question
        asks how to take the name before it, and says nothing of its own. Only a name holding a word
        the knowledge base never uses, and none of our names, is read so: "客人喜好怎么记住" stays
        a task in our words, as does "服务好坏怎么打分". To understand (理解) words of ours never put
        side by side ("体验经济怎么理解") asks what they name."""
        if len(chunks) < 2 or len(tagged) < 2:
            return False
        last, before = chunks[-1], chunks[-2]
        (how, _, _), (verb, flag, _) = tagged[-2], tagged[-1]
        unsaid = not before.known or (verb in UNDERSTANDING and not before.mentioned)
        return last.words == (verb,) and how in HOW and flag.startswith("v") and unsaid and before.nominal

    def _holds_a_name(self, chunk: Chunk) -> bool:
        """A name of ours in the chunk, however spaced ("attachment theory 放到客户关系上"): the verb asks about its use."""
        return any(n.replace(" ", "") in chunk.text for n in self.terms.topics)

    def _idiom_beside_name(self, word: str, flag: str, run: list[str], after: list[tuple[str, str, str]]) -> bool:
        """A set phrase or idiom (jieba's l, i) right after or before a name of ours: names are
        no idioms, so "说到底" in "共情服务说到底" only frames the question about 共情服务."""
        if flag not in IDIOM or word in self.terms.topics:
            return False
        return bool(run and run[-1] in self.terms.topics) or bool(after and after[0][0] in self.terms.topics)

    @staticmethod
    def _fragment(run: list[str], word: str, flag: str, after: list[tuple[str, str, str]]) -> bool:
        """jieba cuts a word it does not know into single characters (峰 + 终 + 定律): a
        one-character word inside a run stays in it, between two pieces of it or after another
        single character; one that only trails a run ("一般" + "分") is the question's verb."""
        if len(word) != 1 or not run or flag[:1] not in FRAGMENT:
            return False
        return len(run[-1]) == 1 or bool(after and after[0][2] == SUBJECT)

    def _someone_does(self, said: list[tuple[str, str]]) -> bool:
        """A person, and at the end what they do or how they are ("客户不耐烦", "顾客嫌上菜慢",
        "顾客插队"): the message describes an event, not a term ("神秘顾客", "客户旅程地图")."""
        people = set(self.routing.people)
        if not said or said[-1][1] not in PREDICATE:
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
                set_off = not rest or beside in SEPARATORS or not CONTENT.match(beside)
                particle = unit in SEPARATORS or not CONTENT.search(unit)
                if not (first or particle or len(unit) >= 3 or unit in STOPWORDS or set_off):
                    break
                if not at_end and not set_off and self._modifies_next(unit, rest):
                    break  # "内容营销", "价值共创": a noun before a noun is part of the name
                low, high = (low, cut[0]) if at_end else (cut[1], high)
                first = first and particle
        return text[low:high]

    def _modifies_next(self, cue: str, rest: str) -> bool:
        """A cue word that is a noun, right before another noun at the start of a question ("内容"
        in "内容营销是什么", "风险" in "风险管理"), names what that noun is, not the kind asked."""
        if cue not in self.routing.cue_words:
            return False
        tagged = self.segmenter.tagged(cue + rest)
        return len(tagged) > 1 and tagged[0][0] == cue and nominal(tagged[0][1]) and nominal(tagged[1][1])

    def _edge_unit(self, text: str, at_end: bool) -> str | None:
        """The longest cue, question word or particle at that edge of the text."""
        # 怎么 at the start stays: a verb after it makes the subject a task ("怎么提高回头客").
        found = [u for u in self._units if (text.endswith(u) if at_end else text.startswith(u) and u not in HOW)]
        if found:
            return max(found, key=len)
        edge = text[-1] if at_end else text[0]
        return edge if not CONTENT.match(edge) or edge in SEPARATORS else None

    def _words_of(self, text: str) -> list[tuple[str, str, str]]:
        """Each word with its part of speech and role: subject, question form and tone, or other.
        The attributive particles (的, 之) are left out: they join their words."""
        out = []
        for word, flag in self.segmenter.tagged(text):
            key = normalize(word)
            if key in JOINING:
                continue
            form_word = key in STOPWORDS or key in LIGHT_VERBS or key in CONNECTIVE_VERBS or key in ASKING_PHRASES
            # "ok 华为那个咋做的": a short Latin word is a chat filler; names of ours were read before
            filler = key.isascii() and key.isalpha() and len(key) <= MAX_FILLER_LATIN
            if not CONTENT.search(key) or form_word or flag in TONE or filler:
                role = FORM
            elif key in self.terms.industries:
                role = FORM  # an industry narrows the question, it is not its subject
            elif flag in FUNCTION or (flag in QUANTITY and key.startswith(("这", "那"))):
                role = OTHER  # "这件事": a demonstrative and its measure word point, they name nothing
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

    def _names_with_ours(self, words: tuple[str, ...], named: list[str]) -> bool:
        """Part of a name of ours written in several words ("empathy service"), or such a name with
        only words of ours beside it ("empathy service 的关键要素")."""
        text = "".join(words)
        for name in named:
            joined = name.replace(" ", "")
            if text in joined:
                return True
            if " " in name and joined in text:
                rest = [w for w in words if w not in name and len(w) > 1]
                if self.known(rest):
                    return True
        return False

    def _name_and_verbs(self, words: tuple[str, ...], flags: dict[str, str]) -> bool:
        """A name of ours with only verbs beside it ("移情服务" + "放到"): the name is the thing
        asked about, the verb what is done with it, so nothing here is a term we lack."""
        names = [w for w in words if w in self.terms.topics]
        rest = [w for w in words if w not in self.terms.topics]
        return bool(names) and bool(rest) and all(flags.get(w, "").startswith("v") for w in rest)

    def _narrows_a_name(self, words: tuple[str, ...], flags: dict[str, str]) -> bool:
        """ "安全型依恋", "教练式服务": a suffix morpheme (jieba's k: 型, 式) joining a word to a name of
        ours makes a narrower term, one kind of the thing: the knowledge base holds that kind only where
        a passage says it whole. Without this, 安全 being a word of ours made 「安全型依恋是什么」 cite
        依恋理论's definition."""
        if not any(w in self.terms.topics for w in words):
            return False
        if not any(len(w) == 1 and flags.get(w) == SUFFIX for w in words):
            return False
        return "".join(words) not in self._text

    def known(self, words: Iterable[str]) -> bool:
        """Whether the knowledge base uses each of the words somewhere."""
        return all(w in self._words or (len(w) > 1 and w in self._text) for w in words)


def _defined(words: tuple[str, ...], text: str) -> bool:
    """Whether the message asks what the words are ("情感营销漏斗是什么"): they stand before the
    copula, a thing being defined, so a verb among them is part of a name (jieba tags 漏斗 a verb),
    where "移情服务放到酒店里怎么用" does something with ours."""
    return f"{''.join(words)}是" in text


def _predicate(run: list[str], word: str, flag: str, after: list[tuple[str, str, str]]) -> bool:
    """A one-character verb after a word and before an aspect particle ("理论" + "撑" + "着") says
    what the thing does: jieba tags it like any word, but names do not end in 着, 了 or 过."""
    return len(word) == 1 and flag.startswith("v") and bool(run) and bool(after) and after[0][1] in ASPECT


def _asked_how(tagged: list[tuple[str, str, str]]) -> bool:
    """ "同理心地图怎么画", "客户费力度CES怎么测": a one-character verb after 怎么 ends the message;
    it asks how to use the thing named before it and says nothing of its own."""
    return len(tagged) >= 2 and tagged[-2][0] in HOW and len(tagged[-1][0]) == 1


def _kind_asked(before: list[tuple[str, str, str]], after: list[tuple[str, str, str]]) -> bool:
    """ "X是个啥指标", "X是什么概念": the message's last noun, after 是 and a question word (a measure
    word between them), says what kind of thing X is. "X有啥关系" asks about a relation instead."""
    words = [w for w, flag, _ in before if not (flag == "q" and len(w) == 1)]
    return len(words) >= 2 and words[-1] in WHAT and words[-2] == "是" and all(r == FORM for _, _, r in after)


def _locative(run: list[str], word: str, flag: str, after: list[tuple[str, str, str]]) -> bool:
    """A two-character locative opening a name ("内部营销", "外部环境") is part of it; one after a
    word ("服务之后") or before a question word ("以后怎么做") only places the question."""
    return flag == "f" and len(word) == 2 and not run and bool(after) and after[0][2] == SUBJECT


def _occurrences(text: str, word: str) -> Iterator[int]:
    start = text.find(word)
    while start != -1:
        yield start
        start = text.find(word, start + 1)
