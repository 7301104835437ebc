"""Loading the trainers' Markdown entries into typed entries and passages.

A file with an error is reported (file, line, message) and skipped; every other file still
loads, so one bad edit never takes the whole knowledge base down.

Usage:
    >>> kb = load_knowledge(Path("knowledge"))
    >>> [p.citation for p in kb.passages][:1]
    ['《移情服务》· 定义']
    >>> for problem in kb.problems: print(problem)
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.knowledge.vocabulary import Vocabulary

EntryType = Literal["concept", "theory", "case", "practice"]
TYPE_FOLDERS = {"concept": "concepts", "theory": "theories", "case": "cases", "practice": "practices"}
VOCABULARY_FILE = "schema.yml"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = "---"


class EntryMeta(BaseModel):
    """Front matter of an entry; unknown keys are errors so typos don't pass silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="lowercase ascii, digits, hyphens")
    title: str = Field(min_length=1)
    type: EntryType
    aliases: list[str] = []
    industries: list[str] = []
    related: list[str] = []
    sources: list[str] = []

    @field_validator("aliases", "industries", "related", "sources", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value


@dataclass(frozen=True)
class Problem:
    """One finding about a file; `line` is 1-based, 0 when it concerns the whole file."""

    path: Path
    line: int
    message: str
    level: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: one `##` section, or one `###` subsection, of an entry."""

    entry_id: str
    title: str
    entry_type: str
    section: str  # heading as shown to users: "应用 · 银行"
    kind: str  # canonical section kind: "应用"
    text: str
    industries: tuple[str, ...]
    related: tuple[str, ...]
    aliases: tuple[str, ...]
    source: str  # path relative to the knowledge folder
    line: int

    @property
    def id(self) -> str:
        return f"{self.entry_id}#{self.section}"

    @property
    def citation(self) -> str:
        return f"《{self.title}》· {self.section}"

    @property
    def searchable_text(self) -> str:
        """What the indexes see: the passage with its title and heading, which carry the topic."""
        return f"{self.title}：{self.section}\n{self.text}"

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.searchable_text.encode("utf-8")).hexdigest()


@dataclass
class Entry:
    meta: EntryMeta
    path: Path
    passages: list[Passage]
    key_lines: dict[str, int]  # front-matter key -> line, for problems found after parsing


@dataclass
class KnowledgeBase:
    """Entries that loaded, and the problems of those that did not (or loaded with warnings)."""

    root: Path
    vocabulary: Vocabulary
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def passages(self) -> list[Passage]:
        return [p for entry in self.entries.values() for p in entry.passages]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def entry_files(root: Path) -> list[Path]:
    """Markdown entries under `root`, README files excluded, in a stable order."""
    return sorted(p for p in root.rglob("*.md") if p.name.lower() != "readme.md")


def load_knowledge(root: Path, vocabulary: Vocabulary | None = None) -> KnowledgeBase:
    """Parse every entry under `root`; files with errors are skipped and reported."""
    root = root.resolve()
    vocab = vocabulary or Vocabulary.load(root / VOCABULARY_FILE)
    kb = KnowledgeBase(root=root, vocabulary=vocab)
    for path in entry_files(root):
        shown = path.relative_to(root)
        problems: list[Problem] = []
        entry = _parse_file(path, shown, root, vocab, problems)
        if entry is not None and entry.meta.id in kb.entries:
            first = kb.entries[entry.meta.id].path
            problems.append(Problem(shown, 2, f"duplicate id '{entry.meta.id}' (already used by {first})"))
        kb.problems.extend(problems)
        if entry is not None and not any(p.level == "error" for p in problems):
            kb.entries[entry.meta.id] = entry
    _check_links(kb)
    return kb


def _check_links(kb: KnowledgeBase) -> None:
    """Cross-entry problems: lint errors, but each entry still serves its own text.

    A dangling `related` id breaks follow-up suggestions; a title or alias used by two entries
    makes the entity ambiguous (the first entry would always win).
    """
    owners: dict[str, str] = {}
    for entry in kb.entries.values():
        for target in entry.meta.related:
            if target not in kb.entries:
                kb.problems.append(
                    Problem(entry.path, entry.key_lines["related"], f"related id '{target}' does not exist")
                )
        for name in dict.fromkeys(n.lower() for n in (entry.meta.title, *entry.meta.aliases)):
            if name in owners and owners[name] != entry.meta.id:
                line = entry.key_lines["title" if name == entry.meta.title.lower() else "aliases"]
                kb.problems.append(Problem(entry.path, line, f"'{name}' already names entry '{owners[name]}'"))
            owners.setdefault(name, entry.meta.id)


def _parse_file(
    path: Path, shown: Path, root: Path, vocab: Vocabulary, problems: list[Problem]
) -> Entry | None:
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        problems.append(Problem(shown, 0, f"symlink points outside the knowledge folder: {path.resolve()}"))
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "file is not valid UTF-8 text; save it as UTF-8"))
        return None
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != _FENCE:
        problems.append(Problem(shown, 1, "missing front matter: the file must start with a '---' line"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == _FENCE)
    except StopIteration:
        problems.append(Problem(shown, 1, "front matter is not closed by a '---' line"))
        return None
    meta = _parse_meta(lines[1:end], shown, problems)
    if meta is None:
        return None
    if path.stem != meta.id:
        problems.append(Problem(shown, _key_line(lines, "id"), f"file name must be '{meta.id}.md' to match its id"))
    folder = TYPE_FOLDERS[meta.type]
    if shown.parent.name != folder:
        problems.append(
            Problem(shown, _key_line(lines, "type"), f"a {meta.type} entry belongs in {folder}/", level="warning")
        )
    for industry in meta.industries:
        if vocab.industry(industry) is None:
            problems.append(
                Problem(shown, _key_line(lines, "industries"), f"unknown industry '{industry}' (see schema.yml)")
            )
    passages = _parse_body(lines, end + 1, meta, shown, vocab, problems)
    keys = ("title", "aliases", "related")
    return Entry(meta=meta, path=shown, passages=passages, key_lines={k: _key_line(lines, k) for k in keys})


def _parse_meta(lines: list[str], shown: Path, problems: list[Problem]) -> EntryMeta | None:
    try:
        data = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct starts (e.g. an unclosed "["), which is
        # where a trainer has to look; the problem mark is where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problems.append(Problem(shown, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(shown, 2, "front matter must be 'key: value' lines"))
        return None
    try:
        return EntryMeta.model_validate(data)
    except ValidationError as exc:
        all_lines = ["---", *lines]
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else ""
            where = ".".join(str(part) for part in error["loc"])
            problems.append(Problem(shown, _key_line(all_lines, key), f"front matter '{where}': {error['msg']}"))
        return None


def _key_line(lines: list[str], key: str) -> int:
    """1-based line of a front-matter key, or 1 (the front matter) when absent."""
    for number, line in enumerate(lines, start=1):
        if line.startswith(f"{key}:"):
            return number
        if number > 1 and line.strip() == _FENCE:
            break
    return 1


@dataclass
class _Block:
    heading: str
    kind: str | None
    line: int
    body: list[str] = field(default_factory=list)


def _parse_body(
    lines: list[str], start: int, meta: EntryMeta, shown: Path, vocab: Vocabulary, problems: list[Problem]
) -> list[Passage]:
    blocks: list[_Block] = []
    section: _Block | None = None
    for index in range(start, len(lines)):
        number, line = index + 1, lines[index]
        match = _HEADING.match(line)
        level = len(match.group(1)) if match else 0
        if level == 2:
            kind, _ = vocab.split_heading(match.group(2))
            if kind is None:
                problems.append(
                    Problem(shown, number, f"unknown section kind in heading '{match.group(2)}' (see schema.yml)")
                )
            section = _Block(match.group(2), kind, number)
            blocks.append(section)
        elif level == 3 and section is not None:
            blocks.append(_Block(f"{section.heading} · {match.group(2)}", section.kind, number))
        elif level:
            problems.append(Problem(shown, number, "only '##' sections and '###' subsections are allowed"))
        elif section is None:
            if line.strip():
                problems.append(Problem(shown, number, "text before the first '##' section"))
        else:
            blocks[-1].body.append(line)

    passages: list[Passage] = []
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        body = "\n".join(block.body).strip()
        has_children = i + 1 < len(blocks) and blocks[i + 1].heading.startswith(f"{block.heading} · ")
        if not body:
            if not has_children:
                problems.append(Problem(shown, block.line, f"section '{block.heading}' is empty"))
            continue
        if block.heading in seen:
            problems.append(Problem(shown, block.line, f"duplicate section heading '{block.heading}'"))
        seen.add(block.heading)
        if block.kind is None:
            continue
        passages.append(
            Passage(
                entry_id=meta.id,
                title=meta.title,
                entry_type=meta.type,
                section=block.heading.replace("：", " · ", 1),
                kind=block.kind,
                text=body,
                industries=_passage_industries(block.heading, meta, vocab),
                related=tuple(meta.related),
                aliases=tuple(meta.aliases),
                source=shown.as_posix(),
                line=block.line,
            )
        )
    if not blocks:
        problems.append(Problem(shown, len(lines), "the entry has no '##' sections"))
    return passages


def _passage_industries(heading: str, meta: EntryMeta, vocab: Vocabulary) -> tuple[str, ...]:
    """A subsection named after an industry is about that industry only; otherwise the entry's."""
    for word in re.split(r"\s*(?:·|：|:)\s*", heading)[1:]:
        industry = vocab.industry(word)
        if industry:
            return (industry,)
    return tuple(vocab.industry(name) or name for name in meta.industries)
