"""Names the knowledge base does not hold: "海底捞的服务案例有吗" → 海底捞, "招商银行怎么做" → 招商银行.

A message about a company, product or person we know nothing of must not be answered as if it
were about something we do; the case rule says so and offers the closest case instead, and a
question whose subject is that name ("迪士尼怎么培训员工") is not found (`rules/name_we_lack.py`).

Usage:
    unknown_name("海底捞的服务案例有吗", index)  # → '海底捞'
    opening_name("海底捞怎么做服务的", index)  # → OpeningName('海底捞', acts=True): what it is about
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.indexing.store import Index
from bot.knowledge.terms import normalize
from bot.retrieval.segment import STOPWORDS
from bot.retrieval.word_classes import HOW

_LATIN_WORD = re.compile(r"[a-z][a-z0-9&.+-]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")
#: jieba part-of-speech flags: proper nouns (person, place, organization, other) …
_PROPER_NOUNS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
#: … and function words (pronoun, adverb, conjunction, preposition, particles, numeral,
#: measure word, direction, interjection, onomatopoeia), which no name is made of.
_FUNCTION_WORDS = frozenset(
    {"r", "d", "c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "m", "mq", "q", "f", "e", "o", "zg"}
)
#: Words that, right after a name opening the message, make the name its subject: how or why it
#: does something ("海底捞怎么做服务", "胖东来为啥口碑好"), what it is or has ("是", "有").
_ASKED_OF = HOW | {"为什么", "为啥", "为何", "是", "有", "凭什么", "靠什么", "靠啥"}
#: … of which these make it who acts: how or why it does something.
_ACTS = _ASKED_OF - {"是", "有"}
#: Parts of speech (first letter) of dictionary words that say what happened, not who: verbs,
#: adjectives, idioms, fixed phrases, adverbs.
_PREDICATE_TAGS = frozenset("vaild")
#: Prefixes of forms of address: 老王, 小李, 阿强.
_ADDRESS_PREFIXES = frozenset("老小阿")
#: Words a message may open with before its subject ("那海底捞呢", "听说胖东来…").
_OPENERS = frozenset({"那", "那么", "听说", "像", "比如"})


def unknown_name(text: str, index: Index) -> str | None:
    """A run of words unknown to the index (not question words, cues or known names) counts as a
    name when it stands before "的" and has no function word in it (还有别的案例吗 is no name),
    or when jieba tags it a proper noun (person, place, organization); a Latin word inside a
    Chinese message counts too."""
    found = _first_name(text, index)
    return found.name if found else None


@dataclass(frozen=True)
class OpeningName:
    """A name we lack that a message is about, and whether a how or why follows it directly: then
    it is who acts ("迪士尼怎么安抚客户"), not where something happens ("宜家的顾客吵起来怎么办")."""

    name: str
    acts: bool


def opening_name(text: str, index: Index) -> OpeningName | None:
    """The name we lack that a Chinese message is about: it opens the message (after 那, 听说) and
    a how, why, 是 or 有 follows it ("迪士尼怎么培训员工"), or 的 ("宜家的服务有啥值得学"). A name
    is a proper noun to jieba (迪士尼, 招商银行) or pieces it had to cut (海底 + 捞, 胖 + 东来); a
    dictionary verb or idiom in it makes an event ("新来的前台", "回头客越来越少"), and a common noun
    at its end a description ("上海分行怎么…")."""
    found = _first_name(text, index)
    if found is None or not found.opens:
        return None
    name, run = found.name, found.run
    if _LATIN_WORD.fullmatch(name) or run[-1][1] == "n":
        return None
    proper = any(f in _PROPER_NOUNS for _, f in run)
    cut = len(run) > 1 and any(len(w) == 1 for w, _ in run)
    if not (proper or cut) or _eventive(run) or addressed(name, index.routing.people_endings):
        return None
    return OpeningName(name, acts=found.after in _ACTS)


def addressed(name: str, endings: Iterable[str]) -> bool:
    """Whether a two-character name is a person called by a form of address (老王, 小李, 阿强, 张姐:
    a prefix, or an ending of `people_endings`): a customer or colleague, no company."""
    return len(name) == 2 and (name[0] in _ADDRESS_PREFIXES or name[-1] in endings)


def _eventive(run: list[tuple[str, str]]) -> bool:
    """Whether a run of words holds a dictionary verb, adjective, idiom or adverb (two characters
    or more; a one-character piece is jieba's guess at part of a name: 捞 of 海底捞)."""
    return any(len(w) > 1 and f[:1] in _PREDICATE_TAGS for w, f in run)


@dataclass(frozen=True)
class _Found:
    name: str
    after: str  # the word after the name, normalized
    run: list[tuple[str, str]]  # its words and parts of speech
    opens: bool  # it opens the message (after 那, 听说) and 的 or a word of `_ASKED_OF` follows


def _first_name(text: str, index: Index) -> _Found | None:
    """The first name of `unknown_name`, with what stands around it."""
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
            and key not in _ASKED_OF
            and key not in known_terms
            and not any(key in cue for cue in cues)
        )

    tagged = index.segmenter.tagged(text)
    last = max((i for i, (w, _) in enumerate(tagged) if re.search(r"\w", w)), default=-1)
    run: list[tuple[str, str]] = []
    for position, (word, flag) in enumerate([*tagged, ("", "")]):
        if word and unknown(word):
            run.append((word, flag))
            continue
        if run:
            name = "".join(w for w, _ in run)
            flags = {f for _, f in run}
            latin = _LATIN_WORD.fullmatch(name) is not None
            # Before 的, one dictionary word is an ordinary noun ("实际的例子"); a name is several
            # pieces jieba had to cut ("海底" + "捞") or a word it does not know. So before the
            # message's last word 呢: "胖东来呢" asks about 胖东来 what the last answer told.
            # A dictionary verb or idiom in the run makes an event ("新出的规定", "扣错的钱"), no name.
            name_like = (len(run) > 1 or not index.segmenter.known(run[0][0])) and not _eventive(run)
            after = normalize(word)
            # … or opening the message (after 那, 听说), as its subject: "海底捞怎么做服务的" (see
            # opening_name). The words before the run are read only when 的 or such a word follows.
            opens = (after == "的" or after in _ASKED_OF) and all(
                normalize(w) in _OPENERS or not re.search(r"\w", w) for w, _ in tagged[: position - len(run)]
            )
            marked = word == "的" or (word == "呢" and position == last) or (opens and after in _ASKED_OF)
            if (
                len(name) >= 2
                and not (flags & _FUNCTION_WORDS)
                and ((marked and not latin and name_like) or flags & _PROPER_NOUNS or (latin and chinese))
            ):
                return _Found(name, after, run, opens=opens)
            run = []
    return None
