"""Chinese word segmentation for the lexical index and for query analysis (jieba).

Entry titles, aliases and industry names are added to jieba's dictionary so that terms such as
"情感服务体验" or "SERVQUAL" stay whole tokens; otherwise BM25 would match their fragments.

Usage:
    seg = Segmenter(["移情服务", "期望确认理论"])
    seg.tokens("期望确认理论讲什么？")  # → ['期望确认理论']
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cached_property, lru_cache

import jieba
import jieba.posseg

from normalization.matching import ordinary_word

jieba.setLogLevel(logging.WARNING)

#: Words that carry the form of a question, not its subject; they would only add noise to BM25.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "而",
        "并",
        "把",
        "被",
        "对",
        "从",
        "为",
        "以",
        "之",
        "其",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "一个",
        "一些",
        "什么",
        "啥",
        "怎么",
        "怎样",
        "怎么样",
        "如何",
        "为什么",
        "哪些",
        "哪个",
        "哪",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "哦",
        "么",
        "请问",
        "请",
        "一下",
        "能",
        "能否",
        "可以",
        "会",
        "要",
        "想",
        "有",
        "有没有",
        "没有",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "讲",
        "讲讲",
        "说说",
        "介绍",
        "解释",
        "告诉",
        "给",
        "些",
        "个",
        "下",
        "中",
        "里",
        "上",
        "吗？",
        "具体",
        "知道",
        "想知道",
        "了解",
        "想了解",
        "请教",
    ]
)
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
#: First letters of jieba's part-of-speech flags of function words: pronoun, adverb, conjunction,
#: preposition, particle, numeral, measure word, direction, interjection, onomatopoeia, modal.
FUNCTION_TAGS = frozenset("rdcpumqfeoy")
#: The narrower set a query's lexical leg leaves out: conjunctions, particles, modal words,
#: interjections, onomatopoeia. Rare in the passages, such words get a high IDF, so "因为" in a
#: message would lift whichever passage happens to say it. Pronouns and prepositions stay ("咋",
#: "每个" match the trainers' example questions), as do adverbs, numerals and measure words.
GRAMMAR_TAGS = frozenset("cuyeo")
#: Modal verbs, a closed class of grammar words that jieba tags as verbs (可能, 应该, 能够): they
#: say how likely or needed something is, never what a message is about ("正念课能" is no 可能).
MODAL_VERBS = frozenset(
    {"能", "能够", "不能", "可能", "可以", "会", "要", "应该", "应当", "必须", "愿意", "肯", "敢", "得"}
)

#: Parts of speech jieba's dictionary gets wrong for chat about service: 自我 is the noun "self" that
#: forms names (自我实现, 自我决定理论, 自我关怀), not a pronoun that would cut them in two.
TAG_CORRECTIONS = {"自我": "n"}


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary, loaded once per process (about 0.5 s) and shared by copy."""
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


class Segmenter:
    """A private jieba tokenizer (not the global one) with the knowledge base's own terms."""

    def __init__(self, user_words: Iterable[str] = ()) -> None:
        self._jieba = jieba.Tokenizer()
        freq, total = _base_dictionary()
        self._jieba.FREQ, self._jieba.total, self._jieba.initialized = dict(freq), total, True
        self.user_words = sorted({w.strip() for w in user_words if w and w.strip()})
        for word in self.user_words:
            self._jieba.add_word(word, freq=200_000)
            if word.lower() != word:
                self._jieba.add_word(word.lower(), freq=200_000)

    def pieces(self, text: str) -> list[str]:
        """Every token as jieba cuts it, blanks and punctuation included: they join back into `text`."""
        return list(self._jieba.cut(text))

    def words(self, text: str) -> list[str]:
        """All non-blank tokens, punctuation included, lower-cased."""
        return [t for t in self._jieba.lcut(text.lower()) if t.strip()]

    @cached_property
    def _tagger(self) -> jieba.posseg.POSTokenizer:
        tagger = jieba.posseg.POSTokenizer(self._jieba)
        tagger.word_tag_tab.update(TAG_CORRECTIONS)  # its own table, loaded from the dictionary file
        return tagger

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """Non-blank tokens with jieba's part-of-speech flags (nr person, nt organization, r pronoun, …)."""
        return [(pair.word, pair.flag) for pair in self._tagger.lcut(text.lower()) if pair.word.strip()]

    def content_word(self, word: str) -> bool:
        """A noun, verb, adjective or name: not a pronoun, adverb, conjunction, preposition,
        particle, numeral, measure word (jieba's part of speech of the word on its own) or modal verb."""
        tagged = self.tagged(word)
        return (
            len(tagged) == 1
            and tagged[0][1][:1] not in FUNCTION_TAGS
            and word not in STOPWORDS
            and word not in MODAL_VERBS
        )

    def known(self, word: str) -> bool:
        """Whether jieba's dictionary (with the user words) has the word: common words are, new names rarely."""
        return bool(self._jieba.FREQ.get(word))

    def ordinary(self, word: str) -> bool:
        """A dictionary word that is no person's or place's name: one a message means as written
        (the reader never takes it for a typo, but "关健", a name in jieba's list, is read as 关键)."""
        return ordinary_word(word, self._jieba.FREQ, self._tagger.word_tag_tab)

    def grammatical(self, word: str) -> bool:
        """Whether jieba's dictionary tags the word, on its own, as a grammar word (GRAMMAR_TAGS)."""
        return self._tagger.word_tag_tab.get(word, "x")[:1] in GRAMMAR_TAGS

    def tokens(self, text: str) -> list[str]:
        """Content tokens: no punctuation, no question words."""
        return [t for t in self.words(text) if _WORD.search(t) and t not in STOPWORDS]
