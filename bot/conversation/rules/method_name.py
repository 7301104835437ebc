"""A method, model, test or brand the knowledge base never says, asked to be used, is not found.

"用MBTI给客户分类可行吗", "我们酒店能照搬HEARD那套吗", "用设计思维重新设计开户流程": the question
asks for that method, by name, as the tool to work with (`routing.yml` `method_cues`: 用, 按照, 照搬,
借鉴 …). No passage says it, so the practice retrieval ranks first is cited for a method it never
mentions, even where the rest of the message is a situation of ours. The name is the run of nouns
right after the cue, and it counts only with evidence that it names something: a Latin word, a
person's name, or a compound holding a word the knowledge base never uses before a head that is no
pervasive word of ours. Our own names (同理心), people (新员工), industries and things the knowledge
base says whole (客户需求 in "根据客户需求") are no such name.

Usage:
    MethodWeLack().decide(evidence)  # → Decided(not found) for "用DISC测试判断客户性格"
"""

from __future__ import annotations

from collections.abc import Collection

from bot.conversation.evidence import Evidence
from bot.conversation.rules.absent_concept import HEAD_SHARE
from bot.conversation.rules.base import Decided, Outcome, Passed
from bot.indexing.store import Index
from bot.retrieval.word_classes import nominal

#: jieba's tags of the words a name after the cue runs across: nouns of every kind, verbal nouns,
#: Latin words, user words, numerals and suffixes (九型人格: 九 m, 型 k).
NAME_TAGS = ("n", "vn", "eng", "x", "m", "k")
#: Words before a cue that make it someone's ability to use a tool ("不会用APP"), not a method asked for.
ABILITY = frozenset({"会", "不会"})
#: jieba's tag of a person's name (萨提亚, 赫茨伯格).
PERSON = "nr"
#: Verbs of intent jieba fuses with a one-character cue into one word ("想用", "要用"): the cue
#: still asks for the method. Not 能 or 会: "老人能用APP吗" asks what someone can do.
INTENT = frozenset("想要")


class MethodWeLack:
    name = "method_we_lack"

    def decide(self, ev: Evidence) -> Outcome:
        if ev.named:
            return Passed("names an entry: the named entry's rule weighs the rest", named=ev.named)
        method = self.method_named(ev)
        if method is None:
            return Passed("asks to use no method the knowledge base lacks")
        return Decided(ev.not_found(), "asks to use a method the knowledge base never mentions", method=method)

    @staticmethod
    def method_named(ev: Evidence) -> str | None:
        """The first name after a method cue that the knowledge base never says, if any."""
        index = ev.index
        routing = index.routing
        tagged = ev.tagged
        for position, (word, _) in enumerate(tagged):
            if not _cue(word, routing.method_cues) or (position and tagged[position - 1][0] in ABILITY):
                continue  # "老人不会用APP": what someone can do with a tool, no method asked for
            run: list[tuple[str, str]] = []
            for after, flag in tagged[position + 1 :]:
                if after in routing.cue_words or not (flag.startswith(NAME_TAGS) or _latin(after)):
                    break
                run.append((after, flag))
            words = tuple(w for w, _ in run)
            name = "".join(words)
            if len(name) < 2 or _ours(name, index) or routing.names_someone(name, words):
                continue
            if name in index.terms.industries or index.subjects.known([name]):
                continue
            if any(_latin(w) for w in words) or _person(run, index) or _compound_we_lack(run, index):
                return name
        return None


def _cue(word: str, cues: Collection[str]) -> bool:
    """A method cue, alone or fused with a verb of intent before it ("想用")."""
    return word in cues or (len(word) == 2 and word[0] in INTENT and word[1] in cues)


def _latin(word: str) -> bool:
    return word.isascii() and word.isalnum()


def _ours(name: str, index: Index) -> bool:
    """A title or alias of ours (normalized when the index was built) holds it or is held by it
    ("同理心培训", "用星巴克的做法")."""
    return any(len(n) > 1 and (n in name or name in n) for n in index.terms.topics)


def _person(run: list[tuple[str, str]], index: Index) -> bool:
    """A person's name the knowledge base never uses (萨提亚): the method is theirs."""
    return any(flag == PERSON and index.document_frequency(word) == 0 for word, flag in run)


def _compound_we_lack(run: list[tuple[str, str]], index: Index) -> bool:
    """Two or more nouns, one of which we never use, before a head that is no pervasive word of ours:
    设计思维, 感官营销 name a method; 客户 + 心情 describe a thing in our words."""
    if sum(len(word) > 1 for word, _ in run) < 2:
        return False  # "小礼物": a thing described, not a name
    head, flag = run[-1]
    if len(head) < 2 or not nominal(flag) or index.document_frequency(head) > HEAD_SHARE * len(index.passages):
        return False
    return any(len(word) > 1 and index.document_frequency(word) == 0 for word, _ in run)
