"""A document as the readers hand it on: blocks in reading order, each with where it is in the source.

Every reader (plain text, Markdown and HTML, Word, PDF) turns its format into the same few kinds
of block, so finding sections (bot/importing/sections.py) is written once. A block keeps its
place in the source (page, paragraph or line), shown beside each section of a draft so a trainer
can check it against the original.

Usage:
    Block("heading", "一、移情服务的定义", Location(line=10), level=2)
    str(Location(page=3, paragraph=12))  # → '第 3 页，第 12 段'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table"]


class ImportRefused(ValueError):
    """A file that is not imported; the message (Chinese, for trainers) says why and what to do."""


@dataclass(frozen=True)
class Location:
    page: int | None = None
    paragraph: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第 {self.page} 页")
        if self.paragraph is not None:
            parts.append(f"第 {self.paragraph} 段")
        if self.line is not None:
            parts.append(f"第 {self.line} 行")
        return "，".join(parts) or "—"


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str  # a table's text is its cells, tab-separated by row
    location: Location
    level: int = 0  # explicit heading level (Word heading style, Markdown #, HTML h1-h6, PDF font size)
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells


@dataclass
class Document:
    name: str  # the file's name, as the draft's `sources:` records it
    format: str  # txt, md, html, docx, pdf
    blocks: list[Block]
    title: str | None = None  # from the file's own metadata (Word title, HTML <title>, front matter)
    warnings: list[str] = field(default_factory=list)
