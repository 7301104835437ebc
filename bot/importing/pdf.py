"""PDF documents, read with pdfplumber (pdfminer.six); nothing in them is run.

A PDF has no paragraphs or headings, only positioned characters, so they are rebuilt:
- lines are joined into a paragraph while they follow each other closely and the previous line
  runs to the right margin (a paragraph's last line is short); a bullet or a numbered heading
  starts a new one;
- a line set clearly larger than the body text (the commonest character size) is a heading, its
  level by size; numbered headings (一、) are found later like in any other format;
- ruled tables are found by pdfplumber and kept as rows (made into lists later, with a warning);
- running headers and footers (a line on most pages) and bare page numbers are dropped.
Locations are page numbers.

An encrypted PDF, one over `MAX_PAGES` pages and a scanned one (no text to extract) are refused
with a message saying what to do.

Usage:
    read_pdf(Path("培训讲义.pdf").read_bytes(), "培训讲义.pdf").blocks[:3]
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from bot.importing.document import Block, BlockKind, Document, ImportRefused, Location

MAX_PAGES = 300
_HEADING_SIZE = 1.18  # a heading's characters are at least this much larger than the body's
_PAGE_NUMBER = re.compile(r"^(?:第\s*)?[-—–\s]*\d{1,4}[-—–\s]*(?:页|/\s*\d+)?$")
_BULLET = re.compile(r"^\s*[•·●▪◦\-*]\s*")
_STARTS_BLOCK = re.compile(
    r"^\s*(?:[•·●▪◦\-*]\s|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]\s*)"
)


@dataclass
class _Line:
    page: int
    text: str
    top: float
    bottom: float
    x1: float
    size: float


def read_pdf(raw: bytes, name: str) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    if not raw.startswith(b"%PDF-"):
        raise ImportRefused(f"{name} 不是有效的 PDF 文件")
    document = Document(name, "pdf", [])
    lines: list[_Line] = []
    tables: list[tuple[float, Block]] = []  # (top on its page, block)
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ImportRefused(f"{name} 共 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页：请拆分后分别导入")
            document.title = str((pdf.metadata or {}).get("Title") or "").strip() or None
            for number, page in enumerate(pdf.pages, start=1):
                found = page.find_tables()
                for table in found:
                    rows = tuple(tuple(" ".join((c or "").split()) for c in row) for row in table.extract())
                    rows = tuple(r for r in rows if any(r))
                    if rows:
                        text = "\n".join("\t".join(r) for r in rows)
                        tables.append((table.bbox[1], Block("table", text, Location(page=number), rows=rows)))
                text_page = page
                for table in found:
                    text_page = text_page.outside_bbox(table.bbox)
                for line in text_page.extract_text_lines(return_chars=True):
                    sizes = [round(c["size"], 1) for c in line["chars"] if c["text"].strip()]
                    if line["text"].strip() and sizes:
                        size = Counter(sizes).most_common(1)[0][0]
                        lines.append(_Line(number, line["text"].strip(), line["top"], line["bottom"], line["x1"], size))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ImportRefused(f"{name} 已加密，无法读取：请导出未加密的 PDF 后再导入") from exc
    except PdfminerException as exc:
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise ImportRefused(f"{name} 已加密，无法读取：请导出未加密的 PDF 后再导入") from exc
        raise ImportRefused(f"{name} 无法作为 PDF 读取（{exc}），可能已损坏") from exc
    if not lines and not tables:
        raise ImportRefused(f"{name} 中没有可提取的文字（可能是扫描件）：请提供文字版 PDF 或 Word 文档")
    lines = _without_running_lines(lines)
    placed = _paragraphs(lines) + tables
    document.blocks = [block for _, block in sorted(placed, key=lambda p: (p[1].location.page or 0, p[0]))]
    return document


def _without_running_lines(lines: list[_Line]) -> list[_Line]:
    """Drop bare page numbers, and headers or footers repeated on most pages (3 pages or more)."""
    pages = len({line.page for line in lines})
    repeated = Counter(text for _, text in {(line.page, line.text) for line in lines})
    return [
        line
        for line in lines
        if not _PAGE_NUMBER.match(line.text) and not (pages >= 3 and repeated[line.text] >= max(3, pages // 2 + 1))
    ]


def _paragraphs(lines: list[_Line]) -> list[tuple[float, Block]]:
    """Headings and paragraphs, each with the top of its first line (for ordering with tables)."""
    if not lines:
        return []
    body = Counter(line.size for line in lines).most_common(1)[0][0]
    heading_sizes = sorted({line.size for line in lines if line.size >= body * _HEADING_SIZE}, reverse=True)
    right: dict[int, float] = {}
    for line in lines:
        right[line.page] = max(right.get(line.page, 0.0), line.x1)
    blocks: list[tuple[float, Block]] = []
    current: list[_Line] = []

    def flush() -> None:
        if current:
            text = current[0].text
            for previous, line in zip(current, current[1:]):
                joiner = " " if previous.text[-1:].isascii() and line.text[:1].isascii() else ""
                text += joiner + line.text
            kind: BlockKind = "item" if _BULLET.match(text) else "paragraph"
            blocks.append(
                (
                    current[0].top,
                    Block(kind, _BULLET.sub("", text) if kind == "item" else text, Location(page=current[0].page)),
                )
            )
            current.clear()

    for line in lines:
        if line.size in heading_sizes and len(line.text) <= 40:
            flush()
            level = heading_sizes.index(line.size) + 1
            blocks.append((line.top, Block("heading", line.text, Location(page=line.page), level=level)))
            continue

        if current:
            previous = current[-1]
            continues = (
                line.page == previous.page
                and 0 <= line.top - previous.bottom <= statistics.mean([previous.size, line.size]) * 0.9
                and previous.x1 >= right[previous.page] * 0.9  # the previous line is full: no paragraph end
                and not _STARTS_BLOCK.match(line.text)
            )
            if not continues:
                flush()
        current.append(line)
    flush()
    return blocks
