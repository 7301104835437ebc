"""Plain text (.txt) and Markdown (.md) documents, and web pages (.html) by way of Markdown.

- Text: one block per non-empty line (articles copied from a web page or exported from an editor
  put one paragraph on a line); lines starting with a bullet (•, ·, -, …) are list items. UTF-8
  (with or without BOM), else GB18030, which Chinese Windows editors still save.
- Markdown: parsed with markdown-it-py (CommonMark and tables): `#` headings, tables, and every
  other block kept as its Markdown source (lists, emphasis); raw HTML inside is dropped with a
  warning. Front matter at the top is read for a title and left out.
- HTML: scripts, styles, frames, forms and the page's navigation, aside and footer are removed
  (nothing in the page is run or fetched), links keep their text only, images are counted in a
  warning; markdownify turns the rest into Markdown, read as above, with paragraph numbers (the
  n-th block of the page) as locations. `<article>` or `<main>` is read alone when the page has one.

Usage:
    read_text(Path("seed.txt").read_bytes(), "seed.txt").blocks[0]
    # → Block(kind='paragraph', text='移情服务', location=Location(page=None, paragraph=None, line=1), ...)
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from bot.importing.document import Block, Document, ImportRefused, Location

_BULLET = re.compile(r"^\s*[•·●▪◦‣○■□◆◇\-*+]\s+")
#: Elements of a page that are code, embedded things or page chrome, never article text.
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "form")
_CHROME_TAGS = ("nav", "aside", "footer")


def decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw:
        raise ImportRefused(f"{name} 不是文本文件（含有二进制内容），无法导入")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    raise ImportRefused(f"无法识别 {name} 的文字编码：请用 UTF-8 编码另存后再导入")


def read_text(raw: bytes, name: str) -> Document:
    blocks = []
    for number, line in enumerate(decode(raw, name).split("\n"), start=1):
        text = line.strip()
        if not text:
            continue
        if _BULLET.match(line):
            blocks.append(Block("item", _BULLET.sub("", line).strip(), Location(line=number)))
        else:
            blocks.append(Block("paragraph", text, Location(line=number)))
    return Document(name, "txt", blocks)


def read_markdown(raw: bytes, name: str) -> Document:
    text = decode(raw, name)
    title, offset, text = _front_matter(text)
    document = Document(name, "md", [], title=title)
    _markdown_blocks(text, document, lambda node: Location(line=(node.map[0] if node.map else 0) + 1 + offset))
    return document


def read_html(raw: bytes, name: str) -> Document:
    from bs4 import BeautifulSoup
    from markdownify import markdownify

    soup = BeautifulSoup(raw, "html.parser")  # detects the page's encoding (meta charset, BOM)
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    chrome = soup.find_all(_CHROME_TAGS)
    for tag in chrome:
        tag.decompose()
    images = len(soup.find_all("img"))
    root = soup.find("article") or soup.find("main") or soup.body or soup
    markdown = markdownify(
        str(root),
        heading_style="ATX",
        bullets="-",
        strip=["a", "img"],
        escape_asterisks=False,
        escape_underscores=False,
        escape_misc=False,
    )
    document = Document(name, "html", [], title=title or None)
    if chrome:
        document.warnings.append("已略去网页的导航、侧栏和页脚")
    if images:
        document.warnings.append(f"网页中的 {images} 张图片未导入")
    counter = iter(range(1, 1_000_000))
    _markdown_blocks(markdown, document, lambda node: Location(paragraph=next(counter)))
    return document


def _front_matter(text: str) -> tuple[str | None, int, str]:
    """(title, lines taken, the rest) of a Markdown file starting with a `---` YAML block."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, 0, text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None, 0, text
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError:
        meta = {}
    title = meta.get("title") if isinstance(meta, dict) and isinstance(meta.get("title"), str) else None
    return title, end + 1, "\n".join(lines[end + 1 :])


def _markdown_blocks(text: str, document: Document, where: Callable[[SyntaxTreeNode], Location]) -> None:
    lines = text.split("\n")
    parser = MarkdownIt("commonmark").enable("table")
    for node in SyntaxTreeNode(parser.parse(text)).children:
        source = "\n".join(lines[node.map[0] : node.map[1]]).strip() if node.map else ""
        if node.type == "heading":
            content = node.children[0].content if node.children else ""
            if content.strip():
                document.blocks.append(Block("heading", content.strip(), where(node), level=int(node.tag[1])))
        elif node.type == "table":
            rows = tuple(
                tuple((cell.children[0].content if cell.children else "").strip() for cell in row.children)
                for section in node.children
                for row in section.children
            )
            document.blocks.append(Block("table", "\n".join("\t".join(r) for r in rows), where(node), rows=rows))
        elif node.type == "html_block":
            document.warnings.append(f"{where(node)} 的 HTML 代码未导入")
        elif node.type in ("fence", "code_block"):
            document.blocks.append(Block("paragraph", node.content.strip(), where(node)))
        elif node.type == "blockquote":
            document.blocks.append(Block("paragraph", re.sub(r"(?m)^\s*>\s?", "", source), where(node)))
        elif node.type != "hr" and source:
            document.blocks.append(Block("paragraph", source, where(node)))
