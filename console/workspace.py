"""The knowledge folder as the console edits it: find, read, check, save, delete and revert entries.

Every write goes through `save`: the version the trainer started from must still be the one on
disk (a content hash the form carries), the draft must have no lint errors of its own, the file
is written atomically (bot/files.py), committed with the trainer as author, and the index is
rebuilt (`publish`) before the trainer is told it is live. A second trainer saving the same entry
is refused with the difference shown; nothing of either version is lost (the first is committed,
the second stays in the form).

Entry ids and file names come from URLs and forms: only ids of the schema's form
(`[a-z0-9][a-z0-9-]*`) that name an existing entry file, or a new file in its type's folder, are
ever turned into paths.

Usage:
    workspace = Workspace(settings, KnowledgeHistory(settings.knowledge_dir), publish=tester.publish)
    name = workspace.name_of("empathy-service")               # 'concepts/empathy-service.md'
    outcome = workspace.save(name, text, base=content_hash(old), author=Author("张三", "…"), message="修改《移情服务》")
    outcome.status  # → 'saved'
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from bot.files import atomic_write_text
from bot.indexing.builder import BuildReport, knowledge_fingerprint
from bot.knowledge.entries import TYPE_FOLDERS, VOCABULARY_FILE, KnowledgeBase, Problem, entry_files, load_knowledge
from bot.knowledge.history import Author, Change, HistoryError, KnowledgeHistory
from bot.knowledge.lint import lint
from bot.knowledge.vocabulary import Vocabulary
from bot.settings import Settings

log = logging.getLogger(__name__)
ENTRY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_FOLDER = re.compile(r"^[a-z0-9_][a-z0-9_-]{0,40}$")
#: The hash of a file that does not exist (a new entry, or one deleted meanwhile).
ABSENT = "absent"

Status = Literal["saved", "unchanged", "conflict", "invalid"]


def content_hash(text: str | None) -> str:
    return ABSENT if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class EntrySummary:
    id: str
    name: str  # path relative to the knowledge folder
    type: str  # the folder's type
    title: str
    aliases: tuple[str, ...] = ()
    sections: int = 0
    errors: int = 0
    warnings: int = 0


@dataclass
class Outcome:
    status: Status
    name: str
    commit: str | None = None
    problems: list[Problem] = field(default_factory=list)
    diff: str = ""  # conflict: the saved version against the trainer's
    changed_by: Change | None = None  # conflict: the last change to the file
    current_hash: str = ""  # conflict: the version on disk now
    warning: str = ""  # saved, but "history" (no commit) or "index" (no rebuild) failed; the log says why
    index_version: str | None = None


class Workspace:
    def __init__(
        self,
        settings: Settings,
        history: KnowledgeHistory,
        publish: Callable[[], BuildReport] | None = None,
        max_chars: int = 100_000,
    ) -> None:
        self.settings = settings
        self.root = settings.knowledge_dir
        self.history = history
        self.publish = publish
        self.max_chars = max_chars
        self._lock = threading.Lock()
        self._cache: tuple[str, KnowledgeBase] | None = None

    # --- reading --------------------------------------------------------------------------

    def knowledge(self) -> KnowledgeBase:
        """The saved knowledge base, parsed again only when a file changed."""
        fingerprint = knowledge_fingerprint(self.root)
        if self._cache is None or self._cache[0] != fingerprint:
            self._cache = (fingerprint, load_knowledge(self.root))
        return self._cache[1]

    def vocabulary(self) -> Vocabulary:
        return self.knowledge().vocabulary

    def summaries(self) -> list[EntrySummary]:
        """Every entry file, those that do not load included (they need fixing most)."""
        kb = self.knowledge()
        by_file = {e.path.as_posix(): e for e in kb.entries.values()}
        counts: dict[str, list[int]] = {}
        for problem in kb.problems:
            counts.setdefault(problem.path.as_posix(), [0, 0])[problem.level == "warning"] += 1
        out = []
        for path in entry_files(self.root):
            name = path.relative_to(self.root).as_posix()
            entry = by_file.get(name)
            folder_type = next((t for t, f in TYPE_FOLDERS.items() if name.startswith(f"{f}/")), "")
            errors, warnings = counts.get(name, [0, 0])
            out.append(
                EntrySummary(
                    id=path.stem,
                    name=name,
                    type=entry.meta.type if entry else folder_type,
                    title=entry.meta.title if entry else path.stem,
                    aliases=tuple(entry.meta.aliases) if entry else (),
                    sections=len(entry.passages) if entry else 0,
                    errors=errors,
                    warnings=warnings,
                )
            )
        return out

    def name_of(self, entry_id: str) -> str | None:
        """The file of an existing entry, or None (also for any id that is not of the schema's form)."""
        if not ENTRY_ID.fullmatch(entry_id):
            return None
        for path in entry_files(self.root):
            if path.stem == entry_id and self._inside(path):
                return path.relative_to(self.root).as_posix()
        return None

    def new_name(self, entry_id: str, entry_type: str) -> str | None:
        """Where a new entry of that type goes, or None for a bad id or type."""
        if not ENTRY_ID.fullmatch(entry_id) or entry_type not in TYPE_FOLDERS:
            return None
        return f"{TYPE_FOLDERS[entry_type]}/{entry_id}.md"

    def text(self, name: str) -> str | None:
        path = self._path(name)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            return path.read_bytes().decode("utf-8", errors="replace")

    def problems(self, name: str, text: str | None) -> list[Problem]:
        """What `kb lint` reports for this file with `text` in place of the saved one."""
        self._path(name)
        if text is not None and len(text) > self.max_chars:
            return [Problem(Path(name), 0, f"the file has {len(text)} characters; at most {self.max_chars}")]
        return [p for p in lint(self.root, self.settings.domain, {name: text}) if p.path.as_posix() == name]

    # --- writing --------------------------------------------------------------------------

    def save(self, name: str, text: str | None, base: str, author: Author, message: str) -> Outcome:
        """Write (or, with `text` None, delete) the file if it is still at version `base`, commit, publish."""
        path = self._path(name)
        text = None if text is None else text.replace("\r\n", "\n")
        with self._lock:
            current = self.text(name)
            if content_hash(current) != base:
                return self._conflict(name, current, text)
            if text == current:
                return Outcome("unchanged", name)
            if text is not None:
                problems = self.problems(name, text)
                if any(p.level == "error" for p in problems):
                    return Outcome("invalid", name, problems=problems)
            warning = ""
            try:
                self.history.ensure()
            except HistoryError as exc:
                log.error("no history for %s: %s", self.root, exc)
                warning = "history"
            if text is not None:
                atomic_write_text(path, text)
            else:
                path.unlink()
            outcome = Outcome("saved", name, warning=warning)
            try:
                outcome.commit = self.history.commit([name], author, message)
            except HistoryError as exc:
                log.error("saved %s but could not commit it: %s", name, exc)
                outcome.warning = "history"
        if self.publish is not None:
            try:
                outcome.index_version = self.publish().version
            except Exception:  # the file is saved; the watcher will try again
                log.exception("saved %s but the index rebuild failed", name)
                outcome.warning = "index"
        return outcome

    def _conflict(self, name: str, current: str | None, mine: str | None) -> Outcome:
        diff = "".join(
            difflib.unified_diff(
                (current or "").splitlines(keepends=True),
                (mine or "").splitlines(keepends=True),
                "已保存的版本",
                "您的版本",
            )
        )
        try:
            changes = self.history.log(name, limit=1)
        except HistoryError:
            changes = []
        return Outcome(
            "conflict", name, diff=diff, changed_by=changes[0] if changes else None, current_hash=content_hash(current)
        )

    # --- paths ----------------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        """The file `name` names, refusing anything outside the knowledge folder or not an entry."""
        *folders, file = name.split("/")
        if (
            len(folders) > 3
            or not all(_FOLDER.fullmatch(f) for f in folders)
            or not file.endswith(".md")
            or not ENTRY_ID.fullmatch(file[:-3])
        ):
            raise ValueError(f"not an entry file: {name[:100]!r}")
        path = self.root.joinpath(*folders, file)
        if not self._inside(path):
            raise ValueError(f"outside the knowledge folder: {name[:100]!r}")
        return path

    def _inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root.resolve()) and path.name != VOCABULARY_FILE
