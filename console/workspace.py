"""The knowledge folder as the console edits it: find, read, check, save, delete and revert entries,
and the saved test cases (tests.yml).

Every write goes through `save`: the version the trainer started from must still be the one on
disk (a content hash the form carries), the draft must have no lint errors of its own, the files
are written atomically (bot/files.py), committed together with the trainer as author, and the
index is made live before the trainer is told so. A save of entries is checked first
(console/checks.py): `refusal` tells at once whether it could be saved at all, a candidate index
is built beside the live one and the saved test cases run against both; publishing is `save` with
that candidate, which becomes the live index as it was checked (bot/indexing/candidate.py) instead
of being rebuilt. A second trainer saving the same entry is refused with the difference shown;
nothing of either version is lost (the first is committed, the second stays in the form). Test
cases are saved as a change to the list (`CaseChange`), applied to the file as it is when saved,
so two trainers adding cases never conflict.

Entry ids and file names come from URLs and forms: only ids of the schema's form
(`[a-z0-9][a-z0-9-]*`) that name an existing entry file, or a new file in its type's folder, are
ever turned into paths.

Usage:
    workspace = Workspace(settings, KnowledgeHistory(settings.knowledge_dir), publish=tester.publish)
    name = workspace.name_of("empathy-service")               # 'concepts/empathy-service.md'
    edit = FileEdit(name, text, base=content_hash(old))
    outcome = workspace.save([edit], author=Author("张三", "…"), message="修改《移情服务》", candidate=checked)
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
from bot.indexing.candidate import Candidate, discard
from bot.indexing.candidate import publish as publish_candidate
from bot.knowledge.cases import CASES_FILE, CaseChange, TestCase, load_cases, parse_cases, render_cases
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


@dataclass(frozen=True)
class FileEdit:
    """One file of a save: an entry (`text` None deletes it) or the test cases (`cases`, applied to
    the file as it is when saved; `text` and `base` are then ignored)."""

    name: str  # relative to the knowledge folder
    text: str | None
    base: str = ""  # content hash of the version the trainer started from
    cases: CaseChange | None = None


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
        reload: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.root = settings.knowledge_dir
        self.history = history
        self.publish = publish  # rebuilds the live index (a save without a checked candidate)
        self.reload = reload  # the console's own assistant takes up a published candidate
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
        """What `kb lint` reports for this file with `text` in place of the saved one, and what it
        reports about other files because of this one (a title another entry already has: lint
        names the entry that comes later in the folder, which may be the other one)."""
        self._path(name)
        if text is not None and len(text) > self.max_chars:
            return [Problem(Path(name), 0, f"the file has {len(text)} characters; at most {self.max_chars}")]
        mention = f"'{name.rsplit('/', 1)[-1].removesuffix('.md')}'"
        found = []
        for problem in lint(self.root, self.settings.domain, {name: text}):
            if problem.path.as_posix() == name:
                found.append(problem)
            elif name != CASES_FILE and problem.path != Path(CASES_FILE) and mention in problem.message:
                found.append(Problem(Path(name), 0, f"{problem.path}: {problem.message}", problem.level))
        return found

    # --- writing --------------------------------------------------------------------------

    def cases(self) -> list[TestCase]:
        """The saved test cases (those of a file with errors are left out; `kb lint` reports them)."""
        return load_cases(self.root / CASES_FILE)[0]

    def texts(self, edits: list[FileEdit]) -> dict[str, str | None]:
        """The files as the edits would write them now (test cases applied to the current file)."""
        return {edit.name: self._text_of(edit) for edit in edits}

    def refusal(self, edits: list[FileEdit]) -> Outcome | None:
        """Why these edits cannot be saved as they are (a conflict, lint errors, nothing changed), or None."""
        if not edits:
            return Outcome("unchanged", "")
        unchanged = True
        for edit in edits:
            self._path(edit.name)
            current = self.text(edit.name)
            if edit.cases is None and content_hash(current) != edit.base:
                return self._conflict(edit.name, current, edit.text)
            if edit.cases is not None and (broken := parse_cases(current or "")[1]):
                return Outcome("invalid", edit.name, problems=broken)  # fixed by hand first, never rewritten
            text = self._text_of(edit)
            if text == current:
                continue
            unchanged = False
            if text is not None:
                problems = self.problems(edit.name, text)
                if any(p.level == "error" for p in problems):
                    return Outcome("invalid", edit.name, problems=problems)
        return Outcome("unchanged", edits[0].name) if unchanged else None

    def save(self, edits: list[FileEdit], author: Author, message: str, candidate: Candidate | None = None) -> Outcome:
        """Write the edits if every file is still at its `base`, commit them as one change, make them
        live: the checked `candidate`'s index when given (and still current), else a rebuild."""
        edits = [FileEdit(e.name, e.text.replace("\r\n", "\n"), e.base, e.cases) if e.text else e for e in edits]
        with self._lock:
            refused = self.refusal(edits)
            if refused is not None:
                if candidate is not None:
                    discard(candidate)
                return refused
            texts = {e.name: self._text_of(e) for e in edits}
            texts = {name: text for name, text in texts.items() if text != self.text(name)}
            warning = ""
            try:
                self.history.ensure()
            except HistoryError as exc:
                log.error("no history for %s: %s", self.root, exc)
                warning = "history"

            def write() -> None:
                for name, text in texts.items():
                    if text is not None:
                        atomic_write_text(self._path(name), text)
                    else:
                        self._path(name).unlink()

            version = None
            if candidate is not None:
                try:
                    version = publish_candidate(self.settings, candidate, write)
                except Exception:  # the files may be written; the rebuild below makes them live
                    log.exception("could not publish the checked index of %s", ", ".join(texts))
            else:
                write()
            outcome = Outcome("saved", next(iter(texts)), warning=warning, index_version=version)
            try:
                outcome.commit = self.history.commit(list(texts), author, message)
            except HistoryError as exc:
                log.error("saved %s but could not commit it: %s", ", ".join(texts), exc)
                outcome.warning = "history"
        indexed = [name for name in texts if name != CASES_FILE]
        if version is not None and self.reload is not None:
            self.reload()
        elif indexed and self.publish is not None:
            try:
                outcome.index_version = self.publish().version
            except Exception:  # the file is saved; the watcher will try again
                log.exception("saved %s but the index rebuild failed", ", ".join(indexed))
                outcome.warning = "index"
        return outcome

    def _text_of(self, edit: FileEdit) -> str | None:
        if edit.cases is None:
            return edit.text
        current = self.text(edit.name)
        cases, problems = parse_cases(current or "")
        if problems:  # never rewrite a file a trainer broke by hand: the lint errors are shown instead
            return current
        return render_cases(edit.cases.apply(cases))

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
        """The file `name` names, refusing anything outside the knowledge folder or not an entry
        (or the test cases)."""
        if name == CASES_FILE:
            return self.root / CASES_FILE
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
