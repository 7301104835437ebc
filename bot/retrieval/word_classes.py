"""Classes of words a question's subject is told apart by: jieba's part-of-speech tags of function
words, tone particles, predicates, nouns and idioms, and the light verbs and question adverbs that
only carry a question. Shared by the subject finder; kept apart so each list can be read whole.

Usage:
    name_like(("破", "窗", "效应"), segmenter)  # → True: a word the dictionary lacks, cut into pieces
"""

from __future__ import annotations

import re

from bot.knowledge.terms import normalize
from bot.retrieval.segment import Segmenter

#: jieba part-of-speech flags of words that are no part of a subject: pronoun, adverb,
#: conjunction, preposition, particles, interjection, onomatopoeia, measure word, direction,
#: place and time words (numerals stay: 六西格玛, 5S管理 are names).
FUNCTION = frozenset({"r", "d", "c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o", "q", "f", "s", "t"})
#: … of which these only give the question its tone: a message of a subject and these is bare.
TONE = frozenset({"u", "uj", "ul", "uz", "ug", "uv", "ud", "y", "e", "o"})
#: Numerals and quantity phrases (五层, 第一步, 那条): after a name they count or point at its parts;
#: before one they may belong to it (二八定律, 一对一服务).
QUANTITY = frozenset({"m", "mq"})
#: Tags of words that lead into a count ("一共" j, "总共" d): they go with it, out of the name.
LEADS = frozenset({"j", "d"})
#: Aspect particles (着, 了, 过): the word before them is a predicate ("理论撑着"), not part of a name.
ASPECT = frozenset({"uz", "ul", "ug"})
#: Words and marks that ask (a closed class): question words, question particles, "A不A", and
#: the verbs of a request ("帮我想个道歉的开头", "再来段总结"). Cantonese's are read as Mandarin
#: (normalization.script: 点样, 有冇, 咩) but for 點 "how" before a verb, which Mandarin writes
#: too (一点, 重点): after a modal or opening a clause ("公司可以點幫佢哋", "我應該點處理").
_ASKS = re.compile(
    r"什么|啥|怎|咋|哪|如何|为何|吗|呢|么|嘛|几|多少|有没有|(\w)不\1|[?？]|帮我|给我|讲讲|说说|来段|来个"
    r"|(?:(?<=[以该要会])|(?<!\w))点(?:帮|做|处理|搞|应对|安抚|讲|说|教|跟|同|对|办)"
)
#: A question word before 都 or 也, with its verb between ("什么都不说", "说啥都得小心", "怎么劝都不听",
#: "啥也没准备"), says "whatever": it tells, it asks nothing. Not after 为 ("为什么都冲我发火" asks why).
_INDEFINITE = re.compile(r"(?<!为)(?:什么|啥|怎么\w?|咋\w?|哪\w?)[都也]")
#: 几 in an approximate number counts, it asks nothing: "几百个", "十几年", "好几圈", "这几天".
_APPROXIMATE = re.compile(r"[好十这那前头]几|几(?=[十百千万])")
#: The asker and the asker's side, in the first person ("我被骂哭了", "感觉自己麻木了").
SELF = frozenset({"我", "我们", "咱", "咱们", "自己"})
#: What marks the subject as the one something was done to ("被客户骂", "挨了一顿骂").
PASSIVE = frozenset({"被", "挨"})
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
#: jieba's tag for a suffix morpheme that makes a kind of something (安全型, 教练式).
SUFFIX = "k"
#: Question words after which a last noun says what kind of thing the subject is ("X是个啥指标").
WHAT = frozenset({"什么", "啥"})
#: Characters that make a word a question word ("哪几个", "啥样"): it asks, it names nothing.
QUESTION_MORPHEMES = frozenset("哪几啥")
#: Set phrases that only ask what is going on ("X是怎么回事", "这咋回事"): no part of a subject.
ASKING_PHRASES = frozenset({"怎么回事", "回事"})
#: Verbs that, asked how after a name ("X怎么理解"), ask what the name means rather than set a task.
UNDERSTANDING = frozenset({"理解", "看待"})
#: Verbs that join a new question to the last ("还有 X是啥意思"): no part of its subject.
CONNECTIVE_VERBS = frozenset({"还有", "再有"})
CONTENT = re.compile(r"[\w\u3400-\u9fff]")
#: A Chinese character (compatibility ideographs included): a message with one is in Chinese.
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
JOINING = frozenset({"的", "之"})
#: Someone spoken of again ("让他把火发完"): a message with one refers back to the conversation.
PERSONAL_PRONOUNS = frozenset({"他", "她", "他们", "她们", "人家", "对方"})
#: A thing spoken of again ("它和顾客满意度理论有什么关系"): the conversation's topic.
THING_PRONOUNS = frozenset({"它", "它们"})
#: Demonstratives that put a thing's kind after its name ("客户费力度这个指标", "KANO这种模型").
DEMONSTRATIVES = frozenset({"这个", "那个", "这种", "那种", "这类", "这一", "这项", "这套"})
#: Particles that may stand at a question's edges and set a cue word off from its subject.
SEPARATORS = frozenset("呢吗吧啊呀哦嘛了的是有之")
SUBJECT, FORM, OTHER = "subject", "form", "other"
#: Parts of speech jieba gives the pieces of a word it does not know (峰 nr, 终 d, 链 ng): such a
#: one-character piece inside a run stays in it; a pronoun or a question word (咋) does not.
FRAGMENT = frozenset("dnqfs")
#: Parts of speech that end a description of what someone does or how they are: verbs, adjectives,
#: idioms and set phrases, states (not verbal nouns such as 调查 or 管理).
PREDICATE = frozenset({"v", "vd", "vi", "a", "l", "i", "z"})
#: jieba's tags, besides the nouns of every kind (n…), of words that can name a thing: verbal nouns
#: (服务, 管理), user-dictionary words (our names) and English
NOMINAL = frozenset({"vn", "x", "eng"})
#: jieba's set phrases and idioms (说到底, 一针见血)
IDIOM = frozenset({"l", "i"})


def asks(text: str) -> bool:
    """Whether the message asks something ("管不管用", "从哪来的", "帮我想个开头"), rather than only
    naming it ("认知失调") or telling something ("今天被客户骂哭了", "说啥都得小心翼翼", "一天接几百个电话")."""
    return bool(_ASKS.search(_APPROXIMATE.sub("", _INDEFINITE.sub("", normalize(text)))))


def nominal(flag: str) -> bool:
    """Whether a word of this jieba tag can name a thing ("几步" m and "走" v cannot)."""
    return flag.startswith("n") or flag in NOMINAL


def name_like(words: tuple[str, ...], segmenter: Segmenter) -> bool:
    """A Latin word, or three or more characters the general dictionary has as no word, cut in
    two ("区块链": 区块 + 链) or with single characters jieba had to split off side by side
    ("破窗效应": 破 + 窗 + 效应): the name of something rather than an everyday phrase ("员工带情绪")."""
    text = "".join(words)
    if any(w.isascii() and w.isalnum() for w in words):
        return True
    if len(text) < 3 or segmenter.known(text):
        return False
    split = any(len(a) == 1 and len(b) == 1 for a, b in zip(words, words[1:]))
    return len(words) <= 2 or (split and sum(len(w) > 1 for w in words) <= 2)
