"""Loading the trainers' Markdown entries into typed entries and passages.

A file with an error is reported (file, line, message) and skipped; every other file still
loads, so one bad edit never takes the whole knowledge base down. A bad example question
(`questions:`) is reported and left out; its entry still loads.

Usage:
    kb = load_knowledge(Path("knowledge"))
    [p.citation for p in kb.passages][:1]  # → ['《移情服务》· 定义']
    for problem in kb.problems: print(problem)
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.knowledge.vocabulary import Vocabulary
from bot.knowledge.yaml_files import load_unique

EntryType = Literal["concept", "theory", "case", "practice", "scenario"]
TYPE_FOLDERS = {
    "concept": "concepts",
    "theory": "theories",
    "case": "cases",
    "practice": "practices",
    "scenario": "scenarios",
}
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
    #: section heading ("实施策略", "应用 · 银行") -> staff phrasings that section answers
    questions: dict[str, list[str]] = {}

    @field_validator("aliases", "industries", "related", "sources", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @field_validator("questions", mode="before")
    @classmethod
    def _blank_questions_are_empty(cls, value: object) -> object:
        """`- ` with nothing after it reads as null: keep it as "" so lint can point at its line."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            return value  # pydantic reports it
        blanks = {key: [] if items is None else items for key, items in value.items()}
        return {
            key: ["" if q is None else q for q in items] if isinstance(items, list) else items
            for key, items in blanks.items()
        }


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
    questions: tuple[str, ...] = ()  # example staff questions: extra retrieval keys, never shown

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
    def lexical_text(self) -> str:
        """What BM25 sees: the searchable text plus the example questions' wording."""
        return "\n".join([self.searchable_text, *self.questions])

    @property
    def content_hash(self) -> str:
        """Key of the passage's own embedding; example questions are embedded (and cached) apart."""
        return hashlib.sha256(self.searchable_text.encode("utf-8")).hexdigest()


def question_hash(question: str) -> str:
    """Embedding-cache key of an example question (distinct from any passage's content hash)."""
    return hashlib.sha256(f"example question\n{question}".encode()).hexdigest()


@dataclass
class Entry:
    meta: EntryMeta
    path: Path
    passages: list[Passage]
    key_lines: dict[str, int]  # front-matter key -> line, for problems found after parsing
    #: (heading, None) -> line of a `questions:` key; (heading, i) -> line of its i-th question
    question_lines: dict[tuple[str, int | None], int] = field(default_factory=dict)


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


def load_knowledge(
    root: Path, vocabulary: Vocabulary | None = None, overrides: Mapping[str, str | None] | None = None
) -> KnowledgeBase:
    """Parse every entry under `root`; files with errors are skipped and reported.

    `overrides` (file path relative to `root` -> text, or None for deleted) reads a draft in place
    of a file, so an unsaved edit is checked against the rest of the knowledge base.
    """
    root = root.resolve()
    vocab = vocabulary or Vocabulary.load(root / VOCABULARY_FILE)
    kb = KnowledgeBase(root=root, vocabulary=vocab)
    drafts = dict(overrides or {})
    files = {path.relative_to(root).as_posix(): path for path in entry_files(root)}
    files |= {name: root / name for name, text in drafts.items() if text is not None}
    for name in sorted((n for n in files if drafts.get(n, "") is not None), key=lambda n: files[n]):
        path = files[name]
        shown = path.relative_to(root)
        problems: list[Problem] = []
        draft = drafts.get(name)
        entry = _parse_file(path, shown, root, vocab, problems, None if draft is None else draft.encode("utf-8"))
        if entry is not None and entry.meta.id in kb.entries:
            first = kb.entries[entry.meta.id].path
            problems.append(Problem(shown, 2, f"duplicate id '{entry.meta.id}' (already used by {first})"))
        kb.problems.extend(problems)
        if entry is not None and not any(p.level == "error" for p in problems):
            kb.entries[entry.meta.id] = entry
    _check_links(kb)
    _attach_questions(kb)
    return kb


def section_key(heading: str) -> str:
    """A `questions:` key in the form citations show: "应用：银行" and "应用 ·银行" become "应用 · 银行"."""
    return " · ".join(part.strip() for part in re.split(r"[·：:]", heading) if part.strip())


def _attach_questions(kb: KnowledgeBase) -> None:
    """Give each passage its example questions; an unknown section, an empty question or one that
    another section already has is a lint error and is left out (the entry still serves)."""
    owners: dict[str, str] = {}
    for entry in kb.entries.values():
        by_section = {p.section: i for i, p in enumerate(entry.passages)}
        for heading, questions in entry.meta.questions.items():
            key_line = entry.question_lines.get((heading, None), entry.key_lines["questions"])
            target = by_section.get(section_key(heading))
            if target is None:
                known = "、".join(by_section) or "none"
                kb.problems.append(
                    Problem(
                        entry.path, key_line, f"questions: no section '{heading}' in this entry (sections: {known})"
                    )
                )
                continue
            kept: list[str] = []
            for number, question in enumerate(questions):
                line = entry.question_lines.get((heading, number), key_line)
                citation = entry.passages[target].citation
                if not question:
                    kb.problems.append(
                        Problem(entry.path, line, f"questions: empty example question under '{heading}'")
                    )
                elif (folded := question.casefold()) in owners:
                    kb.problems.append(
                        Problem(
                            entry.path,
                            line,
                            f"questions: '{question}' is already an example question of {owners[folded]}",
                        )
                    )
                else:
                    owners[folded] = citation
                    kept.append(question)
            if kept:
                passage = entry.passages[target]
                entry.passages[target] = replace(passage, questions=(*passage.questions, *kept))


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
    path: Path, shown: Path, root: Path, vocab: Vocabulary, problems: list[Problem], raw: bytes | None = None
) -> Entry | None:
    if raw is None and path.is_symlink() and not path.resolve().is_relative_to(root):
        problems.append(Problem(shown, 0, f"symlink points outside the knowledge folder: {path.resolve()}"))
        return None
    raw = path.read_bytes() if raw is None else raw
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
    keys = ("title", "aliases", "related", "questions")
    return Entry(
        meta=meta,
        path=shown,
        passages=passages,
        key_lines={k: _key_line(lines, k) for k in keys},
        question_lines=_question_lines(lines[1:end]),
    )


def _question_lines(lines: list[str]) -> dict[tuple[str, int | None], int]:
    """File lines of the `questions:` mapping's keys and items, read from YAML node marks."""
    try:
        root = yaml.compose("\n".join(lines))
    except yaml.YAMLError:
        return {}
    found: dict[tuple[str, int | None], int] = {}
    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        if key.value != "questions" or not isinstance(value, yaml.MappingNode):
            continue
        for heading, items in value.value:
            name = str(heading.value).strip()
            found[(name, None)] = heading.start_mark.line + 2  # +1 for 1-based, +1 for the opening '---'
            if isinstance(items, yaml.SequenceNode):
                for number, item in enumerate(items.value):
                    found[(name, number)] = item.start_mark.line + 2
    return found


def _parse_meta(lines: list[str], shown: Path, problems: list[Problem]) -> EntryMeta | None:
    try:
        data = load_unique("\n".join(lines)) or {}
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
        question_lines = _question_lines(lines)
        for error in exc.errors():
            loc = error["loc"]
            key = str(loc[0]) if loc else ""
            line = _key_line(all_lines, key)
            if key == "questions" and len(loc) > 1:
                number = loc[2] if len(loc) > 2 and isinstance(loc[2], int) else None
                line = question_lines.get((str(loc[1]), number), question_lines.get((str(loc[1]), None), line))
            where = ".".join(str(part) for part in loc)
            problems.append(Problem(shown, line, f"front matter '{where}': {error['msg']}"))
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
        if match is None:
            level, title = 0, ""
        else:
            level, title = len(match.group(1)), match.group(2)
        if level == 2:
            kind, _ = vocab.split_heading(title)
            if kind is None:
                problems.append(Problem(shown, number, f"unknown section kind in heading '{title}' (see schema.yml)"))
            section = _Block(title, kind, number)
            blocks.append(section)
        elif level == 3 and section is not None:
            blocks.append(_Block(f"{section.heading} · {title}", section.kind, number))
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
