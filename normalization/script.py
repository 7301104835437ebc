"""One script and one form for every message and every term: NFKC, case-folded, Simplified.

OpenCC's `t2s` converts Traditional characters (客戶情緒管理 → 客户情绪管理) and leaves Simplified
text unchanged (unlike `tw2s`, which turns 显著 into 显着), so it is safe on any input.

Staff in Hong Kong and Macau write Cantonese (點樣教新同事 "how to teach new colleagues", 有冇例子
"are there examples", 同事好攰 "colleagues are exhausted"): the words no Mandarin text writes, its
grammatical words and a few everyday verbs and adjectives with characters of their own, are read as
their Mandarin equivalents (`CANTONESE`) so that question words, cues and the knowledge base's words
are found; its other content words are shared with Mandarin. OpenCC has no such conversion (its HK
configurations change the script only).

Usage:
    normalize(" 客戶情緒管理ＫＡＮＯ ")  # → '客户情绪管理kano'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


#: Cantonese words (after `t2s`: 嗰 becomes 𠮶, 係 系, 諗 谂) and their Mandarin equivalents, longest
#: first. Only words Mandarin does not write: 係 (是) alone is left out, as t2s makes it 系 (系统);
#: 成日 and 而家 too (完成日期, 然而家长).
CANTONESE = {
    "点解": "为什么",
    "点样": "怎样",
    "点算": "怎么办",
    "乜嘢": "什么",
    "有冇": "有没有",
    "佢哋": "他们",
    "佢地": "他们",
    "唔该": "",
    "唔系": "不是",
    "系咪": "是不是",
    "咁样": "这样",
    "噉样": "这样",
    "边度": "哪里",
    "边个": "谁",
    "冇": "没有",
    "咩": "什么",
    "乜": "什么",
    "嘅": "的",
    "𠮶": "那",
    "嗰": "那",
    "啲": "些",
    "哋": "们",
    "佢": "他",
    "咗": "了",
    "喺": "在",
    "嚟": "来",
    "畀": "给",
    "俾": "给",
    "唔": "不",
    "咁": "这么",
    "噉": "这样",
    "嘢": "东西",
    "啱": "对",
    "攰": "累",
    "嬲": "生气",
    "睇": "看",
    "谂": "想",
    "揾": "找",
    "瞓": "睡",
    "嘥": "浪费",
    "㗎": "",
    "㖞": "",
}
_CANTONESE = re.compile("|".join(map(re.escape, CANTONESE)))


def mandarin(text: str) -> str:
    """Cantonese grammatical words as their Mandarin equivalents.

    >>> mandarin("点样教新同事 有冇例子 唔该")
    '怎样教新同事 有没有例子 '
    """
    return _CANTONESE.sub(lambda m: CANTONESE[m.group(0)], text)


def simplify(text: str) -> str:
    """Traditional characters as Simplified; everything else unchanged.

    >>> simplify("那在醫院裡怎麼用")
    '那在医院里怎么用'
    """
    return _converter().convert(text) if text else text


def normalize(text: str) -> str:
    """The matching form of a message or a term: NFKC, case-folded, Simplified, Mandarin, trimmed.

    >>> normalize(" ＫＡＮＯ模型 "), normalize("服務補救"), normalize("點樣做")
    ('kano模型', '服务补救', '怎样做')
    """
    return mandarin(simplify(unicodedata.normalize("NFKC", text).casefold())).strip()


#: Seven or more digits, possibly grouped by spaces or dashes: phone, ID and card numbers.
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){6,}(?!\d)")


def without_long_numbers(text: str) -> str:
    """The text without phone, ID and card numbers: they say nothing about what is asked (and an
    intent classifier that has seen "666" or "88" reads them as praise or goodbye).

    >>> without_long_numbers("什么是移情服务 13912340001"), without_long_numbers("第2个")
    ('什么是移情服务 ', '第2个')
    """
    return _LONG_NUMBER.sub("", text)
