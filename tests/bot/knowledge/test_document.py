"""Entry files as editable documents: every live entry reads back byte for byte; edits render as the guide writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.document import DocumentError, EntryDocument
from bot.knowledge.entries import entry_files
from tests.conftest import FIXTURES, ROOT

ENTRY = """---
id: demo
title: 示例条目
type: concept
aliases: [示例, "a, b"]
industries: [银行]
related: []
sources: []
questions:
  定义:
    - 示例是什么
  应用：银行:
    - 银行怎么用示例
---

## 定义
示例条目的定义。

## 应用
### 银行
银行里的示例。
"""


@pytest.mark.parametrize("path", entry_files(ROOT / "knowledge"), ids=lambda p: p.name)
def test_every_live_entry_reads_back_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert EntryDocument.parse(text).render().text == text


def test_fields_sections_and_questions() -> None:
    doc = EntryDocument.parse(ENTRY)
    assert (doc.id, doc.title, doc.aliases, doc.industries) == ("demo", "示例条目", ["示例", "a, b"], ["银行"])
    assert [(s.level, s.heading, s.questions) for s in doc.sections] == [
        (2, "定义", ["示例是什么"]),
        (2, "应用", []),
        (3, "银行", ["银行怎么用示例"]),
    ]
    assert doc.citation_section(2) == "应用 · 银行"
    assert doc.render().text == ENTRY


def test_an_added_question_is_one_new_line() -> None:
    doc = EntryDocument.parse(ENTRY)
    doc.sections[0].questions.append("示例: 到底指什么")
    text = doc.render().text
    assert text.replace('    - "示例: 到底指什么"\n', "") == ENTRY


def test_a_section_gets_its_first_questions_under_the_guides_key() -> None:
    doc = EntryDocument.parse(ENTRY)
    doc.sections[1].questions = ["应用在哪里"]
    assert "  应用:\n    - 应用在哪里\n" in doc.render().text


def test_lines_of_each_field() -> None:
    rendered = EntryDocument.parse(ENTRY).render()
    lines = rendered.text.split("\n")
    assert lines[rendered_line(rendered, "title") - 1] == "title: 示例条目"
    assert rendered.field_at(12) == "questions.2"  # "    - 银行怎么用示例"
    assert rendered.field_at(17) == "body.0"
    assert rendered.field_at(21) == "body.2"


def rendered_line(rendered, name: str) -> int:
    return next(first for first, _, field in rendered.lines if field == name)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("no front matter\n", "文件头"),
        ("---\nid: x\n", "结束"),
        ("---\nid: [\n---\n", "YAML"),
        ("---\nid: x\nextra: 1\n---\n", "extra"),
        ("---\nid: x\n---\ntext first\n## 定义\n", "之前"),
        ("---\nid: x\n---\n# 一级标题\n", "##"),
        ("---\nid: x\naliases: 单个\n---\n", "列表"),
    ],
)
def test_what_the_form_cannot_hold_is_refused(text: str, why: str) -> None:
    with pytest.raises(DocumentError, match=why):
        EntryDocument.parse(text)


def test_questions_for_no_section_are_kept() -> None:
    text = (FIXTURES / "knowledge" / "question-unknown-section.md").read_text(encoding="utf-8")
    doc = EntryDocument.parse(text)
    assert doc.orphans and doc.render().text == text
