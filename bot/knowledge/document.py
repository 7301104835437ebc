"""An entry file as an editable document: front matter fields and sections, and back to text.

The trainer console edits an entry as a form (title, aliases, industries, related entries,
example questions per section, each section's Markdown) and saves a file that must read exactly
like one written by hand: `EntryDocument.parse(text).render().text == text` for every entry
written in the guide's layout (tests/bot/knowledge/test_document.py checks all of knowledge/).
`render()` also tells which file lines each form field produced, so the problems `kb lint`
reports (file:line) can be shown beside the field they concern.

A file the form cannot represent without losing something (text before the first section, a
`#` or `####` heading, an unknown front-matter key, YAML that does not parse) raises
`DocumentError`; the console then edits it as source text.

Usage:
    doc = EntryDocument.parse(path.read_text(encoding="utf-8"))
    doc.sections[0].questions.append("移情服务到底指什么")
    rendered = doc.render()
    rendered.text, rendered.field_at(12)  # → ('---\\nid: empathy-service\\n…', 'questions.0')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.knowledge.entries import section_key

FENCE = "---"
LIST_KEYS = ("aliases", "industries", "related", "sources")
KEYS = ("id", "title", "type", *LIST_KEYS, "questions")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class DocumentError(ValueError):
    """The text cannot be edited as a form without losing something; the message says what (Chinese)."""


@dataclass
class Section:
    """One `##` section or `###` subsection: its heading, Markdown body and example questions."""

    level: int
    heading: str
    body: str = ""
    questions: list[str] = field(default_factory=list)
    #: the `questions:` key as the file wrote it ("应用：银行"), kept so an unchanged file reads the same
    key: str | None = None


@dataclass(frozen=True)
class Rendered:
    text: str
    #: (first line, last line, field) per form field, 1-based file lines
    lines: list[tuple[int, int, str]]

    def field_at(self, line: int) -> str | None:
        """The form field that wrote file line `line` (the narrowest one), or None."""
        spans = [(last - first, name) for first, last, name in self.lines if first <= line <= last]
        return min(spans)[1] if spans else None


@dataclass
class EntryDocument:
    id: str = ""
    title: str = ""
    type: str = ""
    aliases: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    #: `questions:` keys that name no section (a lint error), kept so nothing is lost
    orphans: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> EntryDocument:
        lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
        if not lines or lines[0].strip() != FENCE:
            raise DocumentError("文件开头缺少 '---' 文件头")
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
        if end is None:
            raise DocumentError("文件头没有以 '---' 结束")
        meta = _meta(lines[1:end])
        doc = cls(
            id=_scalar(meta.get("id")),
            title=_scalar(meta.get("title")),
            type=_scalar(meta.get("type")),
            aliases=_strings(meta.get("aliases"), "aliases"),
            industries=_strings(meta.get("industries"), "industries"),
            related=_strings(meta.get("related"), "related"),
            sources=_strings(meta.get("sources"), "sources"),
        )
        doc.sections = _sections(lines[end + 1 :])
        questions = meta.get("questions") or {}
        if not isinstance(questions, dict):
            raise DocumentError("questions 必须是“小节标题: 例句列表”")
        for key, items in questions.items():
            values = _strings(items, f"questions.{key}")
            target = doc.section_for(str(key))
            if target is None or target.key is not None:
                doc.orphans[str(key)] = values
            else:
                target.key, target.questions = str(key), values
        return doc

    def citation_section(self, index: int) -> str:
        """The section as citations name it ("应用 · 银行")."""
        section = self.sections[index]
        if section.level == 3:
            parent = next((s for s in reversed(self.sections[:index]) if s.level == 2), None)
            heading = f"{parent.heading} · {section.heading}" if parent else section.heading
        else:
            heading = section.heading
        return heading.replace("：", " · ", 1)

    def section_for(self, key: str) -> Section | None:
        """The section a `questions:` key names (as the loader matches it), or None."""
        wanted = section_key(key)
        return next((s for i, s in enumerate(self.sections) if self.citation_section(i) == wanted), None)

    def render(self) -> Rendered:
        out: list[str] = [FENCE]
        spans: list[tuple[int, int, str]] = []

        def add(text: str, name: str) -> None:
            out.append(text)
            spans.append((len(out), len(out), name))

        add(f"id: {plain_or_quoted(self.id)}", "id")
        add(f"title: {plain_or_quoted(self.title)}", "title")
        add(f"type: {plain_or_quoted(self.type)}", "type")
        for key in LIST_KEYS:
            add(f"{key}: [{', '.join(_flow_item(v) for v in getattr(self, key))}]", key)
        asked = [(i, s) for i, s in enumerate(self.sections) if s.questions]
        if asked or self.orphans:
            add("questions:", "questions")
            groups = [(s.key or self._new_key(i), s.questions, f"questions.{i}") for i, s in asked]
            groups += [(k, v, f"orphan.{k}") for k, v in self.orphans.items()]
            for key, items, name in groups:
                first = len(out) + 1
                out.append(f"  {plain_or_quoted(key)}:")
                out.extend(f"    - {plain_or_quoted(q)}" for q in items)
                spans.append((first, len(out), name))
        out.append(FENCE)
        out.append("")
        for number, section in enumerate(self.sections):
            add(f"{'#' * section.level} {section.heading}", f"heading.{number}")
            body = section.body.strip("\n").rstrip()
            if body:
                first = len(out) + 1
                out.extend(body.split("\n"))
                spans.append((first, len(out), f"body.{number}"))
            following = self.sections[number + 1] if number + 1 < len(self.sections) else None
            if following is not None and (body or following.level == section.level):
                out.append("")
        return Rendered("\n".join(out) + "\n", spans)

    def _new_key(self, index: int) -> str:
        """A `questions:` key for a section that had none: "应用：银行" for a subsection, as the guide writes it."""
        return self.citation_section(index).replace(" · ", "：", 1)


def _meta(lines: list[str]) -> dict[str, Any]:
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"文件头不是有效的 YAML：{getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise DocumentError("文件头必须是“键: 值”的形式")
    unknown = [str(k) for k in data if k not in KEYS]
    if unknown:
        raise DocumentError(f"文件头有表单不认识的键：{'、'.join(unknown)}")
    return data


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise DocumentError(f"文件头里 {value!r} 应该是一个值，不是列表")
    return str(value).strip()


def _strings(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise DocumentError(f"文件头的 {key} 应该是列表（[a, b]）")
    return ["" if v is None else _scalar(v) for v in value]


def _sections(lines: list[str]) -> list[Section]:
    sections: list[Section] = []
    body: list[str] = []
    for line in lines:
        match = _HEADING.match(line)
        if match is None:
            if sections:
                body.append(line)
            elif line.strip():
                raise DocumentError("第一个 '##' 小节之前有文字")
            continue
        level = len(match.group(1))
        if level not in (2, 3) or (level == 3 and not sections):
            raise DocumentError("只能使用 '##' 小节和 '###' 子小节")
        if sections:
            sections[-1].body = "\n".join(body).strip("\n").rstrip()
        sections.append(Section(level, match.group(2)))
        body = []
    if sections:
        sections[-1].body = "\n".join(body).strip("\n").rstrip()
    return sections


def plain_or_quoted(value: str) -> str:
    """A YAML scalar: plain when it reads back as the same string, else double-quoted."""
    if value and reads_back(f"k: {value}", {"k": value}):
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow_item(value: str) -> str:
    """An item of a `[a, b]` list: plain when it reads back as itself, else double-quoted."""
    if value and reads_back(f"[{value}]", [value]):
        return value
    return json.dumps(value, ensure_ascii=False)


def reads_back(text: str, expected: object) -> bool:
    try:
        return yaml.safe_load(text) == expected
    except yaml.YAMLError:
        return False
