"""A concept the knowledge base never mentions, named inside a longer question, is not found.

"破窗效应跟门店卫生有啥关系", "口碑营销怎么做起来", "帕累托分析怎么找出主要问题": the question is about
the concept, and no passage says it, so the passage retrieval ranks first answers another question,
however close its cosine. `absent_subject` weighs questions about one term only; this rule looks for a
concept's name among a longer question's subjects. A name is a compound of nouns that either holds a
word jieba does not know, cut into two or three characters, before a head word the knowledge base
uses (破 + 窗 + 效应, 排队 + 叫 + 号 + 系统), or ends like our theories' names (口碑营销: 营销, 理论,
`Index.theory_heads`). Everyday words we never use are no evidence (jieba tags 干嘛, 太差 and 买菜
nouns in chat): "公司干嘛要在乎员工心情" names nothing. People (大堂经理), kinds of section (案例起因)
and the knowledge base's own pervasive words at the end (走廊情绪, 网购体验) make a description,
not a name. Situations and events ("客户投诉WiFi太慢怎么安抚") are left
to retrieval, as is a message naming an entry of ours: the named entry's rule weighs it.
"""

from __future__ import annotations

from bot.conversation.evidence import Evidence
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.retrieval.subject import Chunk
from bot.retrieval.word_classes import nominal

#: Share of passages a word may occur in and still end a name we lack: 分析 (9 %) may, 情绪 (18 %)
#: and 体验 (21 %) are what the knowledge base is about, so "走廊情绪" describes, it names nothing.
HEAD_SHARE = 0.1
#: How many one-character pieces jieba makes of a word it does not know, and the parts of speech
#: of which one at least is among them (noun, place, locative, measure word).
MIN_PIECES, MAX_PIECES = 2, 3
PIECE_TAGS = frozenset("nsfq")


class AbsentConcept:
    name = "absent_concept"

    def decide(self, ev: Evidence) -> Outcome:
        subject = ev.subject
        if subject.situation or subject.event:
            return Passed("a situation or an event: its everyday words need not be ours")
        if ev.named:
            return Passed("names an entry: the named entry's rule weighs the rest", named=ev.named)
        names = [c.text for c in subject.chunks if self._concept_we_lack(c, ev)]
        if not names:
            return Passed("names no concept the knowledge base lacks", subject=[c.text for c in subject.chunks])
        return Decided(ev.not_found(), "names a concept the knowledge base never mentions", concept=names[0])

    @staticmethod
    def _concept_we_lack(chunk: Chunk, ev: Evidence) -> bool:
        index = ev.index
        words = chunk.words
        if chunk.mentioned or len(words) < 2 or any(w.isascii() for w in words):
            return False  # Latin words are read by the glossary or weighed as names elsewhere
        head = words[-1]
        if len(head) < 2 or not nominal(ev.flags.get(head, "")):
            return False
        if index.document_frequency(head) > HEAD_SHARE * len(index.passages):
            return False
        routing = index.routing
        if routing.names_someone(chunk.text, words) or any(w in routing.cue_words for w in words):
            return False
        if any(len(w) > 1 and not nominal(ev.flags.get(w, "")) for w in words):
            return False
        pieces = _single_characters(words)
        if not all(_pieces_of_a_word(run, ev.flags) for run in pieces):
            return False
        # a word jieba had to cut before a head word we use (破窗 + 效应, 叫号 + 系统), or a compound
        # ending like our theories' names (口碑 + 营销)
        return (bool(pieces) and index.document_frequency(head) > 0) or head in index.theory_heads


def _single_characters(words: tuple[str, ...]) -> list[list[str]]:
    """The runs of one-character words in `words`."""
    runs: list[list[str]] = [[]]
    for word in words:
        if len(word) == 1:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _pieces_of_a_word(run: list[str], flags: dict[str, str]) -> bool:
    """jieba cuts a word it does not know into two or three characters, one at least taken for a
    noun, a place or a measure word (破 v + 窗 s, 晕 v + 轮 q); a lone character or a run of verbs and
    adverbs ("写" + "才" + "不" + "像", "写" + "进") is what someone does, not a piece of a name."""
    return MIN_PIECES <= len(run) <= MAX_PIECES and any(flags.get(c, "")[:1] in PIECE_TAGS for c in run)
