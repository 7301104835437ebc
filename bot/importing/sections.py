"""A document's title and sections, found from its headings, whatever the format.

Headings are the format's own (Word heading styles, Markdown `#`, HTML h1-h6, larger PDF text) or
the ones Chinese documents number by hand in plain paragraphs: 一、二、… and 第一章 for sections,
（一）（二）… for subsections, and a short line that is just a section kind of schema.yml (结论,
案例分析). Such a paragraph counts only when it reads like a heading: short, no sentence inside.

- The title is a single top heading at the start, else a short first line, else the file's own
  title or name. Repeats of the title and a bare date line before the first section are left out.
- Text before the first section becomes an opening section (概述).
- A web page's trailing boilerplate (免责声明, 上一篇/下一篇, 扫码…) is cut from the last section,
  with a warning and the text kept for the trainer to see.
- Tables become lists, one item per row ("列名：值；…"), with a warning to check them.
- Each section gets a suggested kind: the earliest section-kind word of schema.yml in its heading
  ("移情服务的关键要素" → 构成要素, by its alias 关键要素).

Usage:
    outline = find_sections(document, Vocabulary.load(Path("knowledge/schema.yml")))
    [(s.source_heading, s.kind) for s in outline.sections][:2]  # → [('', '定义'), ('一、移情服务的定义与背景', '定义')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.importing.document import Block, Document, Location
from bot.knowledge.vocabulary import Vocabulary

_SECTION_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节部分篇]|[一二三四五六七八九十百]+[、.．])\s*")
_SUBSECTION_NUMBER = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]\s*")
_SENTENCE = re.compile(r"[。！？；!?;]")
_DATE_LINE = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
FOOTER_MARKERS = (
    "免责声明",
    "版权声明",
    "版权所有",
    "上一篇",
    "下一篇",
    "相关阅读",
    "推荐阅读",
    "扫码",
    "扫一扫",
    "关注公众号",
    "原文链接",
    "本文来源",
)
MAX_HEADING_CHARS = 40
MAX_TITLE_CHARS = 30
#: The opening text's heading: an alias of 定义 in schema.yml.
OPENING = "概述"


@dataclass
class Section:
    source_heading: str  # as the source has it ("" for the opening text)
    level: int  # 2: a section (##), 3: a subsection (###)
    location: Location
    blocks: list[Block] = field(default_factory=list)
    kind: str | None = None  # suggested section kind (schema.yml), sections only
    kind_word: str | None = None  # the kind or alias as the heading says it

    @property
    def stripped_heading(self) -> str:
        """The heading without its numbering: "一、移情服务的定义" → "移情服务的定义"."""
        return _SUBSECTION_NUMBER.sub("", _SECTION_NUMBER.sub("", self.source_heading)).strip()


@dataclass
class Outline:
    title: str
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # text left out (boilerplate), for the trainer to check
    date: str | None = None  # a date line found before the first section


def suggest_kind(heading: str, title: str, vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(kind, word as written) of the earliest section-kind word in the heading (the longest at a tie)."""
    text = _SUBSECTION_NUMBER.sub("", _SECTION_NUMBER.sub("", heading)).replace(title, " ") if title else heading
    best: tuple[int, int, str] | None = None
    for word in vocabulary.section_kinds:
        position = text.find(word)
        if position >= 0 and (best is None or (position, -len(word)) < (best[0], best[1])):
            best = (position, -len(word), word)
    return (vocabulary.section_kinds[best[2]], best[2]) if best else None


def find_sections(document: Document, vocabulary: Vocabulary) -> Outline:
    blocks = list(document.blocks)
    title = _take_title(blocks, document)
    outline = Outline(title, [])
    levels = sorted({b.level for b in blocks if b.kind == "heading"})
    section_level = levels[0] if levels else None
    sub_level = levels[1] if len(levels) > 1 else None
    opening = Section("", 2, blocks[0].location if blocks else Location())
    current = opening
    for block in blocks:
        level = _heading_level(block, section_level, sub_level, vocabulary, has_section=current is not opening)
        if level:
            if level == 3 and current is opening:
                level = 2  # a subsection heading before any section opens one
            current = Section(block.text, level, block.location)
            outline.sections.append(current)
        elif block.kind == "heading":  # deeper than a subsection: bold text in its section
            current.blocks.append(Block("paragraph", f"**{block.text}**", block.location))
        elif current is opening and block.text == title:
            continue
        elif current is opening and _DATE_LINE.match(block.text) and outline.date is None:
            outline.date = block.text
        else:
            if current is opening and not opening.blocks:
                opening.location = block.location  # where the opening text starts
            current.blocks.append(block)
    if opening.blocks:
        outline.sections.insert(0, opening)
    _cut_footer(outline)
    for section in outline.sections:
        if section.level == 2:
            found = suggest_kind(section.source_heading or OPENING, title, vocabulary)
            section.kind, section.kind_word = found if found else (None, None)
    outline.warnings += document.warnings
    outline.warnings += [
        f"{b.location} 的表格（{len(b.rows)} 行）已转为列表，请核对"
        for s in outline.sections
        for b in s.blocks
        if b.kind == "table"
    ]
    return outline


def body(section: Section) -> str:
    """The section's text as Markdown: paragraphs apart, list items together, tables as lists."""
    parts: list[str] = []
    for block in section.blocks:
        if block.kind == "item":
            line = f"- {block.text}"
            if parts and parts[-1].startswith("- "):
                parts[-1] += "\n" + line
                continue
            parts.append(line)
        elif block.kind == "table":
            parts.append(_table_as_list(block.rows))
        else:
            parts.append(block.text)
    return "\n\n".join(p for p in parts if p.strip())


def _take_title(blocks: list[Block], document: Document) -> str:
    if blocks and blocks[0].kind == "heading":
        top = blocks[0].level
        if sum(1 for b in blocks if b.kind == "heading" and b.level <= top) == 1:
            return blocks.pop(0).text
    if blocks and blocks[0].kind == "paragraph" and _reads_like_title(blocks[0].text):
        return blocks.pop(0).text
    return document.title or Path(document.name).stem


def _reads_like_title(text: str) -> bool:
    return (
        len(text) <= MAX_TITLE_CHARS
        and not _SENTENCE.search(text)
        and not _SECTION_NUMBER.match(text)
        and not _SUBSECTION_NUMBER.match(text)
    )


def _heading_level(
    block: Block, section_level: int | None, sub_level: int | None, vocabulary: Vocabulary, has_section: bool
) -> int:
    """2 for a section heading, 3 for a subsection heading, 0 for anything else."""
    if block.kind == "heading":
        if block.level == section_level:
            # numbered （一） under a section is a subsection even when set in the same style (PDF sizes)
            return 3 if has_section and _SUBSECTION_NUMBER.match(block.text) else 2
        return 3 if block.level == sub_level else 0
    if block.kind != "paragraph" or len(block.text) > MAX_HEADING_CHARS or _SENTENCE.search(block.text):
        return 0
    text = block.text.strip()
    if _SUBSECTION_NUMBER.match(text):
        return 3
    if _SECTION_NUMBER.match(text) or text.rstrip("：:") in vocabulary.section_kinds:
        return 3 if section_level is not None and has_section else 2
    return 0


def _cut_footer(outline: Outline) -> None:
    """Cut web-page boilerplate from the end: from the first footer marker after the last section opens."""
    starts = [i for i, s in enumerate(outline.sections) if s.level == 2]
    if not starts:
        return
    tail = outline.sections[starts[-1] :]
    for number, section in enumerate(tail):
        at = next((i for i, b in enumerate(section.blocks) if b.text.lstrip().startswith(FOOTER_MARKERS)), None)
        if at is None:
            continue
        cut = section.blocks[at:] + [b for later in tail[number + 1 :] for b in later.blocks]
        outline.removed = [b.text for b in cut]
        section.blocks = section.blocks[:at]
        del outline.sections[starts[-1] + number + 1 :]
        outline.warnings.append(
            f"已删除文末的网页模板文字（{cut[0].location}起，共 {len(cut)} 段，如免责声明、上一篇/下一篇），请核对"
        )
        return


def _table_as_list(rows: tuple[tuple[str, ...], ...]) -> str:
    if not rows:
        return ""
    if len(rows) == 1 or len(rows[0]) == 1:
        return "\n".join(f"- {'；'.join(c for c in row if c)}" for row in rows)
    header, *data = rows
    lines = []
    for row in data:
        pairs = [f"{name}：{value}" if name else value for name, value in zip(header, row) if value]
        lines.append(f"- {'；'.join(pairs)}")
    return "\n".join(lines)
