"""Reading a message with the knowledge base's own vocabulary, before anything else looks at it.

One step turns what staff typed into what the rest of the turn works on: the normalized text
(Simplified script, NFKC, case-folded) with every typo of a knowledge-base word replaced by that
word and every synonym by the knowledge base's word. The Rasa server reads a message this way
before its intent features and entities, the core before query analysis, retrieval and the
answer policy, so 客戶情緒管理, 客户情叙管理 and "customer emotion management" reach the same
entry; the trace and the reply say which terms were read how.

Three vocabularies, most specific first:
- names: entry titles and aliases, industry words (homophones; one edit from 4 characters on);
- synonyms of schema.yml (other Chinese words, English words) (one edit from 6 letters on);
- every other word of the knowledge base's passages and section kinds (homophones only, and
  only where the message's word is no known word: 纬度 stays 纬度 unless a name needs it).

Usage:
    reader = Reader({"客户情绪管理": "customer-emotion-management"}, {}, ["满意度"], known, pieces)
    reading = reader.read("客戶情叙管理有哪些策略")
    reading.understood  # → '客户情绪管理有哪些策略'
    [(m.said, m.term, m.how) for m in reading.fuzzy]  # → [('客户情叙管理', '客户情绪管理', 'homophone')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from normalization.matching import Match, TermMatcher
from normalization.script import normalize

_CJK_WORD = re.compile(r"[\u3400-\u9fff]{2,}")
_MASK = "\u0000"
#: What continues a run of English words after one of them: spaces or hyphens, then more letters.
_LATIN_RUN = re.compile(r"(?:[ \t-]+[a-z0-9]+)*")


@dataclass(frozen=True)
class Reading:
    text: str  # as typed
    normalized: str  # NFKC, case-folded, Simplified
    understood: str  # normalized, with typos and English words read as the knowledge base's words
    matches: list[Match] = field(default_factory=list)  # names (exact or not) and words read otherwise

    @property
    def fuzzy(self) -> list[Match]:
        """What was read as another word than written: typos and synonyms."""
        return [m for m in self.matches if m.how != "exact"]

    @property
    def simplified(self) -> bool:
        """Whether the message had Traditional characters."""
        return self.normalized != unicodedata.normalize("NFKC", self.text).casefold().strip()


class Reader:
    """Reads messages against one vocabulary; built once per loaded knowledge base.

    `names`: entry titles, aliases and industry words (normalized) → what each stands for;
    `synonyms`: other words → the knowledge base's word; `words`: every other word of the
    knowledge base; `known(word)`: whether the general dictionary has the word; `pieces(text)`:
    the segmenter's tokens, joining back into `text`.
    """

    def __init__(
        self,
        names: Mapping[str, str],
        synonyms: Mapping[str, str],
        words: Iterable[str],
        known: Callable[[str], bool],
        pieces: Callable[[str], list[str]],
    ) -> None:
        self.pieces = pieces
        vocabulary = {w for w in words if _CJK_WORD.fullmatch(w)}
        ours = vocabulary | set(names)
        self._names = TermMatcher(names, edits=True, known=known)
        self._synonyms = TermMatcher(synonyms, edits=True, kind="synonym")
        # Ordinary words: true homophones only, a weaker piece of evidence than a name's.
        self._words = TermMatcher(
            {w: w for w in vocabulary - set(names)},
            known=lambda span: span in ours or known(span),
            exact=False,
            fuzzy_pinyin=False,
        )

    def read(self, text: str) -> Reading:
        normalized = normalize(text)
        masked = normalized
        # Names as written and synonyms first, the longer of two overlapping ones winning
        # ("attachment theory" is an alias, not "attachment" and a synonym of "theory"); then
        # names read otherwise, then other words.
        cuts = self._boundaries(masked)
        names = [m for m in self._names.find(masked, cuts) if m.how == "exact"]
        # our word from here on; a synonym read by an edit as our word itself ("兴奋需求" one edit
        # from the synonym 兴奋型需求) is our word as written, with nothing to tell the user
        synonyms = [
            replace(m, term=m.value, how="exact" if m.said == m.value else m.how)
            for m in self._synonyms.find(masked, cuts)
        ]
        matches: list[Match] = [m for m in names if not _overlapped(m, synonyms, ties=False)]
        matches += [m for m in synonyms if not _overlapped(m, names, ties=True)]
        matches = [m for m in matches if not _modifies_a_foreign_name(m, masked, matches)]
        masked = _masked(masked, matches)
        for matcher in (self._names, self._words):
            found = matcher.find(masked, self._boundaries(masked))
            matches += found
            masked = _masked(masked, found)
        matches.sort(key=lambda m: m.start)
        return Reading(text, normalized, _replace(normalized, matches), matches)

    def _boundaries(self, text: str) -> list[int]:
        """Offsets where the segmenter's words start and end; masked spans are their own words."""
        cuts, offset = [0], 0
        for piece in re.split(f"({_MASK}+)", text):
            if piece.startswith(_MASK):
                offset += len(piece)
                cuts.append(offset)
                continue
            for word in self.pieces(piece):
                offset += len(word)
                cuts.append(offset)
        return cuts


def _modifies_a_foreign_name(match: Match, text: str, matches: list[Match]) -> bool:
    """An English word of ours followed, in the same run of English words, by one that is not
    ("customer" in "customer effort score"): English puts the head last, so the run names something
    else (a score), and reading its first word as ours (客户) would hide that name from the checks
    for terms we lack. "frontline staff" and "super angry" end in our word: it is read."""
    if not match.said.isascii():
        return False
    run = _LATIN_RUN.match(text, match.end)
    if run is None or not run.group().strip():
        return False
    covered = {i for m in matches for i in range(m.start, m.end)}
    return any(ch.isalnum() and i not in covered for i, ch in enumerate(run.group(), start=match.end))


def _overlapped(match: Match, others: list[Match], ties: bool) -> bool:
    """Whether one of `others` overlaps the match and is longer (or as long, if `ties`)."""
    size = match.end - match.start
    return any(
        o.start < match.end and match.start < o.end and (o.end - o.start > size or (ties and o.end - o.start == size))
        for o in others
    )


def _masked(text: str, matches: list[Match]) -> str:
    """The text with the matched spans hidden from the next matcher."""
    for m in matches:
        text = text[: m.start] + _MASK * (m.end - m.start) + text[m.end :]
    return text


def _replace(text: str, matches: list[Match]) -> str:
    """The text with each match not read exactly replaced by the word it was read as."""
    out, last = [], 0
    for m in matches:
        if m.how == "exact":
            continue
        out += [text[last : m.start], m.term]
        last = m.end
    return "".join([*out, text[last:]])
