"""Finding the knowledge base's terms in a message, also when a pinyin IME typed them wrong.

Every Chinese IME offers homophones, so "客户情绪管理" arrives as "客户情叙管理" and "满意度" as
"瞒意度"; no list of typos can keep up. Instead a span of the message is read as a term when it
is the term, or differs from it in one character that sounds the same (pypinyin, with the fuzzy
initials and finals IMEs offer: z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing), or, for longer
terms, by one edit (a character replaced, missing or extra; rapidfuzz for Latin words) where
the span is whole words of the message.

A fuzzy span of two characters must start and end at word boundaries of the message (the
caller's segmentation); no fuzzy span may itself be a known word (`known`), so "事实" is never
read as "实施"; a span that could be two different terms is left alone.

Usage:
    matcher = TermMatcher({"客户情绪管理": "customer-emotion-management"}, edits=True)
    [(m.said, m.term, m.how) for m in matcher.find("客户情叙管理有哪些策略")]
    # → [('客户情叙管理', '客户情绪管理', 'homophone')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import Style, pinyin
from rapidfuzz.distance import Levenshtein

MatchKind = Literal["exact", "homophone", "edit", "synonym"]
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z][a-z0-9&.+' -]*[a-z0-9]|[a-z]")
_LATIN_CHAR = re.compile(r"[a-z0-9]")
#: Fuzzy pinyin as IMEs offer it (模糊音): initials and finals many speakers do not tell apart.
#: jieba's tags of person and place names: its dictionary lists rare ones that are, in a chat
#: message, a typo of an ordinary word ("关健" is a person's name there, "关键" typed wrong), so a
#: dictionary word with one of these tags does not stop a span from being read as a term.
PROPER_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns"})


def ordinary_word(word: str, frequencies: Mapping[str, int], tags: Mapping[str, str]) -> bool:
    """A word of jieba's dictionary (`frequencies`) that is no person's or place's name (`tags`):
    one a message means as written, never read as a typo of another. Both runtimes pass their jieba's tables."""
    return bool(frequencies.get(word)) and tags.get(word, "") not in PROPER_NAME_TAGS


#: Personal pronouns: typed on purpose, never the mistyped character of a term (an IME offers
#: 她 for tā first; pypinyin's rarer readings of it would make it sound like 借 or 姐).
PRONOUN_CHARS = frozenset("你您我他她它咱俺")

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the text searched
    end: int
    said: str  # the span as written
    term: str  # the term it was read as
    value: str  # what the term stands for (an entry id, an industry, the knowledge base's word for a synonym)
    how: MatchKind


@lru_cache(maxsize=1)
def _readings_in_words() -> dict[str, frozenset[str]]:
    """Each character's toneless readings inside the words of pypinyin's phrase dictionary (47,000
    words, read once): the readings it is used with, and so typed under."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.phrases_dict import phrases_dict

    found: dict[str, set[str]] = {}
    for word, syllables in phrases_dict.items():
        if len(word) == len(syllables):
            for char, options in zip(word, syllables):
                found.setdefault(char, set()).update(to_normal(o) for o in options)
    return {char: frozenset(options) for char, options in found.items()}


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """A character's readings in toneless pinyin: its first (most common) one and those some word
    uses; a non-Chinese character is itself. pypinyin's character table also lists readings no word
    uses (干 àn, 区 ōu, 还 fú), and with them "不干了" sounded like 不安."""
    if not _CJK.match(char):
        return frozenset({char})
    every = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    used = _readings_in_words().get(char, frozenset())
    return frozenset(r for r in every if r == every[0] or r in used)


@lru_cache(maxsize=8192)
def sounds(char: str) -> frozenset[str]:
    """Every reading of a character, reduced to fuzzy pinyin; a non-Chinese character is itself."""
    return frozenset(_fuzzy(reading) for reading in readings(char))


def _fuzzy(syllable: str) -> str:
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def homophones(a: str, b: str) -> bool:
    """Same length, and every character can sound like the other's (fuzzy pinyin).

    >>> homophones("情叙", "情绪"), homophones("同里心", "同理心"), homophones("管理", "服务")
    (True, True, False)
    """
    return len(a) == len(b) and all(x == y or sounds(x) & sounds(y) for x, y in zip(a, b))


class TermMatcher:
    """Terms (already in normalized form) and what each stands for.

    `edits`: also read a term of at least `edit_min_length` characters with one character
    replaced, missing or extra. `kind`: how an exact match is reported ("synonym" for a
    table of other words for the knowledge base's own). `known(span)`: words that are never read as another term.
    `exact=False` reports only spans read as another term than written. `fuzzy_pinyin=False`
    takes only true homophones (帮 bang is then no typo of 办 ban).
    """

    def __init__(
        self,
        terms: Mapping[str, str],
        *,
        edits: bool = False,
        edit_min_length: int = 5,
        fuzzy: bool = True,
        kind: MatchKind = "exact",
        known: Callable[[str], bool] | None = None,
        exact: bool = True,
        fuzzy_pinyin: bool = True,
    ) -> None:
        if edit_min_length < 3:
            raise ValueError("edit_min_length below 3 reads too many ordinary words as terms")
        self.terms = {t: v for t, v in terms.items() if t}
        self.edits = edits
        self.edit_min_length = edit_min_length
        self.fuzzy = fuzzy
        self.kind = kind
        self.known = known or (lambda span: False)
        self.exact = exact
        self._sound = sounds if fuzzy_pinyin else readings
        if fuzzy:
            _readings_in_words()  # the phrase table (about a second) is read now, not on the first typo
        self._longest_first = sorted(self.terms, key=len, reverse=True)
        #: lengths a fuzzy span can have: a term's, or one more or less for an edit
        self._lengths = {len(t) for t in self.terms if len(t) >= 2}
        if edits:
            self._lengths |= {n + d for n in self._lengths for d in (-1, 1) if n + d >= edit_min_length - 1}
        self._one_replaced: dict[str, list[tuple[str, int]]] = {}  # term with a gap at i → (term, i)
        self._one_missing: dict[str, set[str]] = {}  # term without its i-th character → terms
        #: (length, first character) and (length, second character) of every term: a span that
        #: differs from a term in one character shares one of them, so others are skipped cheaply
        self._heads: set[tuple[int, int, str]] = set()
        for term in self.terms:
            if not _CJK.search(term):
                continue
            self._heads |= {(len(term), 0, term[0]), (len(term), 1, term[1:2])}
            for i in range(len(term)):
                self._one_replaced.setdefault(_gap(term, i), []).append((term, i))
                if self.edits and len(term) >= self.edit_min_length:
                    self._one_missing.setdefault(term[:i] + term[i + 1 :], set()).add(term)
        self._latin = [t for t in self.terms if not _CJK.search(t)]

    def find(self, text: str, boundaries: Iterable[int] | None = None) -> list[Match]:
        """Non-overlapping matches, longest exact terms first, then fuzzy ones, in text order.

        `boundaries` are the offsets where words start or end (a segmentation of `text`); a fuzzy
        span of two characters must start and end on them (a longer one shares all but one
        character with its term, evidence enough even where a typo changed the segmentation).
        Without them, every offset is a boundary.
        """
        taken = [False] * len(text)
        found = self._exact(text, taken) if self.exact else []
        if self.fuzzy and text:
            cuts = sorted({0, len(text), *(boundaries if boundaries is not None else range(len(text) + 1))})
            found += self._fuzzy_spans(text, taken, cuts)
        return sorted(found, key=lambda m: m.start)

    def _exact(self, text: str, taken: list[bool]) -> list[Match]:
        found = []
        for term in self._longest_first:
            start = text.find(term)
            while start != -1:
                end = start + len(term)
                if not any(taken[start:end]) and _whole_latin(text, start, end, term):
                    found.append(Match(start, end, term, term, self.terms[term], self.kind))
                    taken[start:end] = [True] * (end - start)
                start = text.find(term, start + 1)
        return found

    def _fuzzy_spans(self, text: str, taken: list[bool], cuts: Sequence[int]) -> list[Match]:
        aligned = set(cuts)
        spans = [
            (a, a + n)
            for n in sorted(self._lengths, reverse=True)  # longest first
            for a in range(len(text) - n + 1)
            if n > 2 or (a in aligned and a + n in aligned)
        ]
        found = []
        for a, b in spans:
            span = text[a:b]
            if any(taken[a:b]) or not _whole_latin(text, a, b, span):  # "sympathy" holds no "empathy"
                continue
            match = self._read(span, edits=a in aligned and b in aligned)
            if match is not None and not self.known(span) and span not in self.terms:
                term, how = match
                found.append(Match(a, b, span, term, self.terms[term], how))
                taken[a:b] = [True] * (b - a)
        return found

    def _read(self, span: str, edits: bool) -> tuple[str, MatchKind] | None:
        """The one term `span` is a typo of, and how; None when none or several fit. Edits other
        than a homophone count only for a span that is whole words of the message (`edits`)."""
        if not _CJK.search(span):
            return self._read_latin(span)
        edits = edits and self.edits
        sound_alike: set[str] = set()
        edited: set[str] = set()
        n = len(span)
        replaced = (n, 0, span[0]) in self._heads or (n, 1, span[1:2]) in self._heads
        for i in range(n if replaced else 0):
            if span[i] in PRONOUN_CHARS:
                continue  # 她 (tā, also read jiě) in "问问她用得怎么样" is meant, not a mistyped 借
            for term, _ in self._one_replaced.get(_gap(span, i), ()):
                if self._sound(span[i]) & self._sound(term[i]):
                    sound_alike.add(term)
                elif edits and len(term) >= self.edit_min_length and not self._word_at(span, i):
                    edited.add(term)
        if len(sound_alike) == 1:
            return sound_alike.pop(), "homophone"
        if sound_alike or not edits:
            return None
        if len(span) + 1 >= self.edit_min_length:
            edited |= self._one_missing.get(span, set())
        if len(span) - 1 >= self.edit_min_length:
            edited |= {span[:i] + span[i + 1 :] for i in range(len(span))} & self.terms.keys()
        return (edited.pop(), "edit") if len(edited) == 1 else None

    def _word_at(self, span: str, i: int) -> bool:
        """Whether the character typed at `i` makes a known word with a neighbour ("社会认知理论":
        认知): an IME's slip sounds like the word meant, a different sound that spells another real
        word is another term (社会认知 is no 社会认同), never a typo."""
        return any(self.known(span[a : a + 2]) for a in (i - 1, i) if a >= 0 and a + 2 <= len(span))

    def _read_latin(self, span: str) -> tuple[str, MatchKind] | None:
        """A Latin word or phrase one edit from one term of 6+ letters ("servqal" → "servqual")."""
        if not self.edits or not _LATIN.fullmatch(span) or len(span) < 6:
            return None
        close = [t for t in self._latin if len(t) >= 6 and Levenshtein.distance(span, t, score_cutoff=1) <= 1]
        return (close[0], "edit") if len(close) == 1 else None


def _gap(term: str, i: int) -> str:
    return f"{len(term)}:{term[:i]}\u0000{term[i + 1 :]}"


def _whole_latin(text: str, start: int, end: int, term: str) -> bool:
    """A Latin term is a whole word: "crm" is not found inside "scrm"."""
    if not _LATIN_CHAR.match(term[0]) and not _LATIN_CHAR.match(term[-1]):
        return True
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (
        (_LATIN_CHAR.match(term[0]) and _LATIN_CHAR.match(before))
        or (_LATIN_CHAR.match(term[-1]) and _LATIN_CHAR.match(after))
    )
