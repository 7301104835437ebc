"""Chat answers composed from retrieved passages: concise, lists kept as lists, source cited.

Nothing is generated: the body is the passage text (shortened at a line or sentence boundary),
so an answer can only say what `knowledge/` says.

Usage:
    >>> reply = compose_answer(passage, suggestions=["移情服务的案例"])
    >>> print(reply.text)
    移情服务的关键要素有四个：
    • 同理心：……
    来源：《移情服务》· 关键要素
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.knowledge.entries import Passage

MAX_BODY_CHARS = 300
SOURCE_PREFIX = "来源："
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITEM = re.compile(r"^\s*(?:[-*+]\s+|\d+(?:[.)]\s+|、\s*))(?:\*\*(.+?)\*\*|([^：:，,。]{2,20})[：:])")
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


@dataclass
class Reply:
    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, payload)
    passages: list[Passage] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # names of the listed items, for "第二个"
    #: answer: from the knowledge base, users can rate it; not_found: recorded as an unanswered
    #: question; clarify: a question back; unavailable: the index cannot be used.
    status: Literal["answer", "not_found", "clarify", "unavailable"] = "answer"


def list_items(text: str) -> list[str]:
    """Names of the items of a Markdown list: "- **同理心**：……" -> "同理心"."""
    items = []
    for line in text.splitlines():
        match = _ITEM.match(line)
        if match:
            items.append((match.group(1) or match.group(2)).strip())
    return items


def shorten(text: str, limit: int = MAX_BODY_CHARS) -> str:
    """Cut at the last line break, else the last sentence end, before `limit`; never mid-item."""
    if len(text) <= limit:
        return text
    lines, kept = text.splitlines(), []
    for line in lines:
        if len("\n".join([*kept, line])) > limit:
            break
        kept.append(line)
    if kept and len("\n".join(kept)) > limit // 2:
        return "\n".join(kept).rstrip() + "\n……"
    sentences, out = _SENTENCE_END.split(text), ""
    for sentence in sentences:
        if len(out + sentence) > limit:
            break
        out += sentence
    return (out or text[:limit]).rstrip() + "……"


def to_chat_text(markdown: str) -> str:
    """Plain text for chat channels: bold markers dropped, bullets as •."""
    text = _BOLD.sub(r"\1", markdown)
    return re.sub(r"^[ \t]*[-*+][ \t]+", "• ", text, flags=re.MULTILINE)


def compose_answer(passage: Passage, suggestions: list[str], note: str = "") -> Reply:
    body = to_chat_text(shorten(passage.text))
    text = f"{note}\n{body}" if note else body
    return Reply(
        text=f"{text}\n\n{SOURCE_PREFIX}{passage.citation}",
        buttons=[(s, s) for s in suggestions],
        passages=[passage],
        items=list_items(passage.text),
    )


def compose_comparison(passages: list[Passage], suggestions: list[str]) -> Reply:
    """Two (or more) topics side by side, each shortened to share the length budget."""
    budget = MAX_BODY_CHARS // max(1, len(passages))
    blocks = [f"【{p.title}】\n{to_chat_text(shorten(p.text, budget))}" for p in passages]
    sources = "；".join(p.citation for p in passages)
    return Reply(
        text="\n\n".join(blocks) + f"\n\n{SOURCE_PREFIX}{sources}",
        buttons=[(s, s) for s in suggestions],
        passages=list(passages),
    )


def cited_sources(text: str) -> list[str]:
    """The citations of an answer's source line: the inverse of compose_answer's last line."""
    for line in reversed(text.splitlines()):
        if line.startswith(SOURCE_PREFIX):
            return [c for c in line[len(SOURCE_PREFIX):].split("；") if c]
    return []
