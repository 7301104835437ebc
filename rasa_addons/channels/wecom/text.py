"""What a turn of bot messages looks like in WeCom: plain text, at most 2,048 bytes a message.

WeCom text messages have no buttons, so buttons become a numbered list that the user answers
with a number, and a long answer is split at sentence ends (。！？； and line breaks), never inside
a character.

Usage:
    text, buttons = compose([{"text": "您好", "buttons": [{"title": "移情服务", "payload": "/ask"}]}])
    print(text)  # → 您好  # → 回复数字选择：  # → 1. 移情服务
    split("第一句。第二句。", limit=12)  # → ['第一句。', '第二句。']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_BYTES = 2048
CHOOSE_PROMPT = "回复数字选择："
_SENTENCE_END = re.compile(r"(?<=[。！？；\n])")


def compose(messages: Iterable[dict]) -> tuple[str, list[dict]]:
    """All bot messages of a turn as one text, and the buttons (title, payload) it numbered."""
    parts: list[str] = []
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            parts.append(str(message["text"]).strip())
        if message.get("image"):
            parts.append(str(message["image"]))
        buttons.extend(b for b in message.get("buttons") or [] if b.get("title") and b.get("payload"))
    if buttons:
        lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, 1)]
        parts.append("\n".join([CHOOSE_PROMPT, *lines]))
    return "\n".join(p for p in parts if p), buttons


def number(text: str) -> int | None:
    """The number a message consists of ("2", " 2。"), if it is only that."""
    digits = text.strip().rstrip(".。、")
    return int(digits) if digits.isascii() and digits.isdigit() else None


def choice(text: str, buttons: list[dict]) -> str | None:
    """The payload of the button the user picked by typing its number, if that is what they did."""
    picked = number(text)
    if picked is not None and 1 <= picked <= len(buttons):
        return str(buttons[picked - 1]["payload"])
    return None


def split(text: str, limit: int = MAX_BYTES) -> list[str]:
    """Chunks of at most `limit` UTF-8 bytes, cut after sentence ends where possible."""
    if limit < 4:
        raise ValueError("limit must hold at least one character (4 bytes)")
    chunks: list[str] = []
    current = ""
    for piece in (p for p in _SENTENCE_END.split(text) if p):
        for part in _hard_split(piece, limit):
            if _size(current + part) <= limit:
                current += part
            else:
                chunks.append(current)
                current = part
    chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip()]


def _hard_split(piece: str, limit: int) -> list[str]:
    """A sentence longer than the limit, cut at character boundaries."""
    parts: list[str] = []
    current, size = "", 0
    for char in piece:
        width = _size(char)
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return parts


def _size(text: str) -> int:
    return len(text.encode())
