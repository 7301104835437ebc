"""One script and one form for every message and every term: NFKC, case-folded, Simplified.

OpenCC's `t2s` converts Traditional characters (客戶情緒管理 → 客户情绪管理) and leaves Simplified
text unchanged (unlike `tw2s`, which turns 显著 into 显着), so it is safe on any input.

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


def simplify(text: str) -> str:
    """Traditional characters as Simplified; everything else unchanged.

    >>> simplify("那在醫院裡怎麼用")
    '那在医院里怎么用'
    """
    return _converter().convert(text) if text else text


def normalize(text: str) -> str:
    """The matching form of a message or a term: NFKC, case-folded, Simplified, trimmed.

    >>> normalize(" ＫＡＮＯ模型 "), normalize("服務補救")
    ('kano模型', '服务补救')
    """
    return simplify(unicodedata.normalize("NFKC", text).casefold()).strip()


#: Seven or more digits, possibly grouped by spaces or dashes: phone, ID and card numbers.
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ -]?\d){6,}(?!\d)")


def without_long_numbers(text: str) -> str:
    """The text without phone, ID and card numbers: they say nothing about what is asked (and an
    intent classifier that has seen "666" or "88" reads them as praise or goodbye).

    >>> without_long_numbers("什么是移情服务 13912340001"), without_long_numbers("第2个")
    ('什么是移情服务 ', '第2个')
    """
    return _LONG_NUMBER.sub("", text)
