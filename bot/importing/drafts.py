"""Draft entries: an imported document as an entry file a trainer curates before it goes live.

A draft is two files in the drafts folder (`state_dir/drafts`, outside `knowledge_dir`):
- `<id>.md`, an entry in the format of knowledge/ (front matter: id, title, guessed type, the
  source file in `sources:`; one `##` section per section of the source, named by its suggested
  kind where one was found, `###` for subsections): what would be saved into knowledge/;
- `<id>.json`, where each section came from (the source's own heading and its page, paragraph or
  line), the suggested kinds, the warnings and any text left out.

Drafts live outside the knowledge folder so that nothing can make them live: the loader, the
index build, the watcher and the NLU export only ever read `knowledge_dir`, and a draft is not a
trainer's reviewed text (it may hold a source's errors or personal data until curated). Publishing
one is saving it into knowledge/ (the console's job, through bot/files.py, or a trainer's editor).

They are linted like any entry (`lint_draft`): the draft is placed, in a copy of the knowledge
folder, where it would be saved, and every problem `kb lint` would report about it is returned,
including clashes with existing entries (a title another entry already has).

Usage:
    draft = import_file(Path("移情服务.docx"), settings)
    draft.save(settings.drafts_dir)
    [str(p) for p in lint_draft(draft, settings.knowledge_dir, settings.domain)][:1]
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bot.files import atomic_write_text
from bot.importing.document import ImportRefused
from bot.importing.pdf import read_pdf
from bot.importing.sections import OPENING, Outline, body, find_sections
from bot.importing.text import read_html, read_markdown, read_text
from bot.importing.word import read_word
from bot.knowledge.entries import TYPE_FOLDERS, VOCABULARY_FILE, Problem
from bot.knowledge.lint import lint
from bot.knowledge.vocabulary import Vocabulary

READERS = {
    ".txt": read_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_word,
    ".pdf": read_pdf,
}
ACCEPTED = ".docx、.pdf、.md、.txt 或 .html"


@dataclass
class DraftSection:
    heading: str  # as the draft file has it: "关键要素", "定义：定义与背景", a subsection's own heading
    level: int  # 2 or 3
    source_heading: str  # as the source has it ("" for the opening text)
    location: str  # "第 3 页", "第 12 段", "第 40 行"
    kind: str | None  # suggested section kind (sections only)
    text: str


@dataclass
class Draft:
    id: str
    title: str
    type: str  # guessed; the trainer confirms it
    source: str  # the file's name
    source_sha256: str
    format: str
    imported: str
    sections: list[DraftSection]
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    source_date: str | None = None

    def markdown(self) -> str:
        meta = {"id": self.id, "title": self.title, "type": self.type, "sources": [self.source]}
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None)
        parts = [f"---\n{front}---"]
        for section in self.sections:
            parts.append(f"{'#' * section.level} {section.heading}" + (f"\n{section.text}" if section.text else ""))
        return "\n\n".join(parts) + "\n"

    def save(self, drafts_dir: Path, replace: bool = False) -> Path:
        """Write `<id>.md` and `<id>.json`; an existing draft of the same id only with `replace`."""
        path = drafts_dir / f"{self.id}.md"
        if path.exists() and not replace:
            raise ImportRefused(
                f"草稿 {self.id} 已存在（{path}）：它可能已被修改；要用重新导入的内容覆盖，请加 --replace"
            )
        drafts_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(drafts_dir / f"{self.id}.json", json.dumps(asdict(self), ensure_ascii=False, indent=1))
        atomic_write_text(path, self.markdown())
        return path

    @classmethod
    def load(cls, drafts_dir: Path, draft_id: str) -> Draft:
        data = json.loads((drafts_dir / f"{draft_id}.json").read_text(encoding="utf-8"))
        data["sections"] = [DraftSection(**s) for s in data["sections"]]
        return cls(**data)


DRAFT_ID = re.compile(r"^draft-[a-z0-9][a-z0-9-]{0,80}$")


def list_drafts(drafts_dir: Path) -> list[Draft]:
    """The drafts waiting to be curated, newest first (unreadable ones are skipped)."""
    drafts = []
    for path in drafts_dir.glob("draft-*.json") if drafts_dir.is_dir() else []:
        try:
            drafts.append(Draft.load(drafts_dir, path.stem))
        except (OSError, ValueError, TypeError, KeyError):
            continue
    return sorted(drafts, key=lambda d: d.imported, reverse=True)


def remove_draft(drafts_dir: Path, draft_id: str) -> None:
    """Delete a draft (once saved as an entry, or thrown away); an id not of a draft's form is ignored."""
    if DRAFT_ID.fullmatch(draft_id):
        for suffix in (".md", ".json"):
            (drafts_dir / f"{draft_id}{suffix}").unlink(missing_ok=True)


def import_file(path: Path, knowledge_dir: Path, max_bytes: int, now: datetime | None = None) -> Draft:
    """Read a .docx, .pdf, .md, .txt or .html file into a draft; `ImportRefused` says why not."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ImportRefused(f"不支持的文件类型“{path.suffix or path.name}”：请另存为 {ACCEPTED} 后再导入")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused(f"无法读取 {path.name}：{exc.strerror}") from exc
    if size > max_bytes:
        raise ImportRefused(f"{path.name} 有 {size / 1024 / 1024:.1f} MB，超过上限 {max_bytes / 1024 / 1024:.0f} MB")
    if size == 0:
        raise ImportRefused(f"{path.name} 是空文件")
    raw = path.read_bytes()
    document = reader(raw, path.name)
    if not document.blocks:
        raise ImportRefused(f"{path.name} 中没有找到文字")
    outline = find_sections(document, Vocabulary.load(knowledge_dir / VOCABULARY_FILE))
    digest = hashlib.sha256(raw).hexdigest()
    return Draft(
        id=_draft_id(path, digest),
        title=outline.title,
        type=guess_type(outline.title),
        source=path.name,
        source_sha256=digest,
        format=document.format,
        imported=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        sections=_draft_sections(outline),
        warnings=outline.warnings,
        removed=outline.removed,
        source_date=outline.date,
    )


def guess_type(title: str) -> str:
    """A first guess of the entry type from the title; the trainer confirms it."""
    if title.endswith(("理论", "模型", "原理", "定律", "效应")):
        return "theory"
    if "案例" in title or "实践" in title:
        return "case"
    return "concept"


def lint_draft(draft: Draft, knowledge_dir: Path, domain: Path | None = None) -> list[Problem]:
    """What `kb lint` would report about the draft saved where it belongs (type folder, `<id>.md`)."""
    relative = Path(TYPE_FOLDERS.get(draft.type, "concepts")) / f"{draft.id}.md"
    with tempfile.TemporaryDirectory(prefix="kb-draft-lint-") as folder:
        copy = Path(folder) / "knowledge"
        shutil.copytree(knowledge_dir, copy, ignore=shutil.ignore_patterns(".git"))
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        (copy / relative).write_text(draft.markdown(), encoding="utf-8")
        problems = lint(copy, domain)
    shown, mentions = Path(f"{draft.id}.md"), f"'{draft.id}'"
    return [
        Problem(shown, p.line, p.message, p.level)
        if p.path == relative
        else Problem(shown, 0, f"{p.path}: {p.message}", p.level)
        for p in problems
        if p.path == relative or mentions in p.message
    ]


def _draft_id(path: Path, digest: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return f"draft-{slug}" if slug else f"draft-{digest[:10]}"


def _draft_sections(outline: Outline) -> list[DraftSection]:
    sections: list[DraftSection] = []
    used: set[str] = set()
    parent = ""
    for section in outline.sections:
        if section.level == 2:
            heading = section.kind_word or section.stripped_heading or OPENING
            if heading in used:
                heading = f"{section.kind or heading}：{section.stripped_heading or OPENING}"
            base, n = heading, 2
            while heading in used:
                heading, n = f"{base}（{n}）", n + 1
            used.add(heading)
            parent = heading
        else:
            heading = section.stripped_heading or section.source_heading
            base, n = heading, 2
            while f"{parent}/{heading}" in used:
                heading, n = f"{base}（{n}）", n + 1
            used.add(f"{parent}/{heading}")
        sections.append(
            DraftSection(
                heading=heading,
                level=section.level,
                source_heading=section.source_heading,
                location=str(section.location),
                kind=section.kind,
                text=body(section),
            )
        )
    return sections
