"""Whether a message asks with one of the knowledge base's cue words, as staff type them.

The cue lists of `knowledge/routing.yml` spell question words the standard way (说明了什么,
怎么办); in chat staff type 啥 for 什么 and 咋 for 怎么 ("这说明了啥", "咋办"), and ask which or how many
(哪几, 哪些) where the cue asks what. Rather than a
colloquial twin of every cue, the message is also read with those question words in their
standard form. Both runtimes use it: the core to find the kind of section asked, the Rasa
server's intent guard to tell a follow-up from a message it did not understand.

A cue counts where it ends a word of the message: 怎么办 asks what to do in "插队怎么办", not in
"怎么办理退房" (怎么 + 办理), which asks how a procedure goes. jieba (its own dictionary, not the
knowledge base's) cuts the words, the same in both runtimes.

Usage:
    cues_in("这说明了啥", ["说明了什么", "启示"])  # → ['说明了什么']
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import jieba

#: Colloquial question words and their standard form; "哪几招" and "哪些招" ask what tactics as
#: "什么招" does (which ones, how many: the same answer).
COLLOQUIAL = {"啥": "什么", "咋": "怎么", "哪几": "什么", "哪些": "什么"}


def standard_question_words(text: str) -> str:
    """`text` with its colloquial question words in their standard form ("咋整" → "怎么整")."""
    for said, standard in COLLOQUIAL.items():
        text = text.replace(said, standard)
    return text


def cues_in(text: str, cues: Iterable[str]) -> list[str]:
    """The cues that occur in `text` as typed or with its question words read the standard way."""
    standard = standard_question_words(text)
    return [cue for cue in cues if said(cue, text) or said(cue, standard)]


def said(cue: str, text: str) -> bool:
    """Whether `cue` occurs in `text` ending a word: not as the start of a longer one (怎么办理)."""
    start = text.find(cue)
    while start != -1:
        end = start + len(cue)
        if end == len(text) or end in _word_ends(text):
            return True
        start = text.find(cue, start + 1)
    return False


@lru_cache(maxsize=4096)
def _word_ends(text: str) -> frozenset[int]:
    """Where jieba's words of `text` end (its dictionary only: no guessed words, the same cut in
    both runtimes)."""
    return frozenset(end for _, _, end in _TOKENIZER.tokenize(text, HMM=False))


_TOKENIZER = jieba.Tokenizer()
