"""Names the knowledge base does not hold: "海底捞的服务案例有吗" → 海底捞, "招商银行怎么做" → 招商银行.

A message about a company, product or person we know nothing of must not be answered as if it
were about something we do; the case rule says so and offers the closest case instead.

Usage:
    unknown_name("海底捞的服务案例有吗", index)  # → '海底捞'
"""

from __future__ import annotations

import re

from bot.indexing.store import Index
from bot.knowledge.terms import normalize
from bot.retrieval.segment import STOPWORDS

_LATIN_WORD = re.compile(r"[a-z][a-z0-9&.+-]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")
#: jieba part-of-speech flags: proper nouns (person, place, organization, other) …
_PROPER_NOUNS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
#: … and function words (pronoun, adverb, conjunction, preposition, particles, numeral,
#: measure word, direction, interjection, onomatopoeia), which no name is made of.
_FUNCTION_WORDS = frozenset(
    {"r", "d", "c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "m", "mq", "q", "f", "e", "o", "zg"}
)


def unknown_name(text: str, index: Index) -> str | None:
    """A run of words unknown to the index (not question words, cues or known names) counts as a
    name when it stands before "的" and has no function word in it (还有别的案例吗 is no name),
    or when jieba tags it a proper noun (person, place, organization); a Latin word inside a
    Chinese message counts too."""
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
            name_like = len(run) > 1 or not index.segmenter.known(run[0][0])
            marked = word == "的" or (word == "呢" and position == last)
            if (
                len(name) >= 2
                and not (flags & _FUNCTION_WORDS)
                and ((marked and not latin and name_like) or flags & _PROPER_NOUNS or (latin and chinese))
            ):
                return name
            run = []
    return None
