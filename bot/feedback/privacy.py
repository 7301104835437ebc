"""Personal data masked out of stored questions: phone numbers, Chinese ID numbers, bank-card numbers.

Staff paste a customer's details into the chat ("客户138 1234 5678的卡6222 0200 1234 5678 901被冻结了");
the question is worth keeping for trainers, the numbers are not. Masking happens before anything is
stored (turn log, ratings) and again on display of what Rasa's conversation store holds. It errs on
the side of masking: a 12-19 digit run is treated as a card number without a Luhn check (many
UnionPay debit cards do not pass one), an ID number without its check digit (a mistyped one is
still personal data). Full-width digits (１３８…) and spaces or hyphens between groups count too.
Masking is idempotent: a masked text has no digit runs left to mask.

Usage:
    mask_personal_data("客户手机 138-1234-5678，身份证 11010119900307123X")
    # → '客户手机 [手机号]，身份证 [身份证号]'
"""

from __future__ import annotations

import re

_D = "[0-9０-９]"  # half- and full-width digits
_SEP = "[ \u3000-]?"  # one optional space (also the ideographic one) or hyphen between digit groups
_START = r"(?<![0-9０-９])"  # not in the middle of a longer number
_END = r"(?![0-9０-９])"

PHONE = "[手机号]"
LANDLINE = "[电话]"
ID_NUMBER = "[身份证号]"
CARD = "[银行卡号]"

#: Applied in this order: ID numbers before card numbers (both are long digit runs), a phone number
#: with its +86 before the card rule could read it as 13 digits.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # 18-digit ID: 6-digit region, birth date 18xx-20xx, 3-digit sequence, check digit or X.
    (
        re.compile(
            rf"{_START}{_D}{{6}}(?:1[89]|2[0０]|１[８９]|２[0０]){_D}{{2}}(?:[0０][1-9１-９]|[1１][0-2０-２])"
            rf"(?:[0-2０-２]{_D}|[3３][01０１]){_D}{{3}}[0-9０-９Xx]{_END}(?![A-Za-z])"
        ),
        ID_NUMBER,
    ),
    # Old 15-digit ID: 6-digit region, YYMMDD, 3-digit sequence.
    (
        re.compile(
            rf"{_START}{_D}{{8}}(?:[0０][1-9１-９]|[1１][0-2０-２])(?:[0-2０-２]{_D}|[3３][01０１]){_D}{{3}}{_END}"
        ),
        ID_NUMBER,
    ),
    # Mobile: 1[3-9]x xxxx xxxx, optionally +86 / 86 / 0086 before it.
    (
        re.compile(
            rf"{_START}(?:(?:\+|[0０]{{2}})?(?:86|８６){_SEP})?[1１][3-9３-９]{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}{_END}"
        ),
        PHONE,
    ),
    # Bank card: 12-19 digits, optionally grouped by spaces or hyphens.
    (re.compile(rf"{_START}{_D}(?:{_SEP}{_D}){{11,18}}{_END}"), CARD),
    # Landline with area code: 010-12345678, (0755) 1234 5678, 0571-8888888.
    (re.compile(rf"{_START}[(（]?[0０]{_D}{{2,3}}[)）]?{_SEP}{_D}{{3,4}}{_SEP}{_D}{{4}}{_END}"), LANDLINE),
]


def mask_personal_data(text: str) -> str:
    """`text` with phone, ID and bank-card numbers replaced by a bracketed Chinese label."""
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text
