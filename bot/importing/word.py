"""Word documents (.docx), read with python-docx; nothing in them is run.

The file is checked as a ZIP first: a document with a macro project (a .docm renamed, or any
vbaProject part) is refused, and so is one that would unpack to more than `MAX_UNPACKED_BYTES`
(a "zip bomb"). python-docx parses the XML without resolving external entities.

Headings come from the paragraph styles (Title, Heading 1-9; a custom style counts by its outline
level); list paragraphs are items; tables are kept as rows (made into lists later, with a
warning); images are counted in a warning. Locations are paragraph numbers (non-empty paragraphs
and tables, in reading order), with the page where the file records page breaks (Word writes
where its pages broke when it saves; explicit page breaks always count).

Usage:
    read_word(Path("移情服务.docx").read_bytes(), "移情服务.docx").blocks[:2]
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

from bot.importing.document import Block, Document, ImportRefused, Location

if TYPE_CHECKING:
    from docx.table import _Row
    from docx.text.paragraph import Paragraph

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_package(raw: bytes, name: str) -> None:
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise ImportRefused(f"{name} 不是有效的 Word 文档（.docx），可能已损坏") from exc
    names = set(package.namelist())
    if "word/document.xml" not in names:
        raise ImportRefused(f"{name} 不是有效的 Word 文档（.docx）：缺少正文")
    content_types = package.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise ImportRefused(f"{name} 含有宏，出于安全考虑不导入：请在 Word 中另存为不含宏的 .docx")
    if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
        raise ImportRefused(f"{name} 解压后超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB，不导入")


def read_word(raw: bytes, name: str) -> Document:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_package(raw, name)
    try:
        word = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise ImportRefused(f"{name} 无法作为 Word 文档读取（{type(exc).__name__}），可能已损坏") from exc
    paged = bool(word.element.body.xpath(".//w:lastRenderedPageBreak | .//w:br[@w:type='page']"))
    document = Document(name, "docx", [], title=(word.core_properties.title or "").strip() or None)
    page, paragraph, images = 1, 0, 0
    for part in word.iter_inner_content():
        if isinstance(part, Paragraph):
            images += len(part._p.xpath(".//w:drawing | .//w:pict"))
            text = part.text.strip()
            if text:
                paragraph += 1
                where = Location(page=page if paged else None, paragraph=paragraph)
                document.blocks.append(_paragraph_block(part, text, where))
            page += len(part._p.xpath(".//w:br[@w:type='page']")) + len(part.rendered_page_breaks)
        elif isinstance(part, Table):
            paragraph += 1
            rows = tuple(_row_cells(row) for row in part.rows)
            rows = tuple(row for row in rows if any(row))
            if rows:
                where = Location(page=page if paged else None, paragraph=paragraph)
                document.blocks.append(Block("table", "\n".join("\t".join(r) for r in rows), where, rows=rows))
    if images:
        document.warnings.append(f"文档中的 {images} 张图片未导入")
    return document


def _paragraph_block(paragraph: Paragraph, text: str, where: Location) -> Block:
    style = paragraph.style
    style_name = (style.name or "") if style is not None else ""
    if style_name.lower() == "title":
        return Block("heading", text, where, level=1)
    match = _HEADING_STYLE.match(style_name)
    level = int(match.group(1)) + 1 if match else _outline_level(paragraph)
    if level:
        return Block("heading", text, where, level=level)
    numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if numbered or "list" in style_name.lower():
        return Block("item", text, where)
    return Block("paragraph", text, where)


def _outline_level(paragraph: Paragraph) -> int:
    """A custom heading style's level: outline level 0-8 (of the paragraph or its style) + 2."""
    elements = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        elements.append(style.element.pPr)
        style = style.base_style
    for element in elements:
        if element is None:
            continue
        found = element.find(f"{_W}outlineLvl")
        if found is not None:
            value = int(found.get(f"{_W}val", "9"))
            return value + 2 if value < 9 else 0
    return 0


def _row_cells(row: _Row) -> tuple[str, ...]:
    """The row's cell texts; a merged cell (the same cell repeated by python-docx) once."""
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        cells.append(" ".join(cell.text.split()))
    return tuple(cells)
