"""The history of the knowledge folder: every save a git commit with the trainer as its author.

Trainers need to see who changed what and to undo a change; git already does both, and IT can
back the folder up like any repository. This wraps the git command line (no library to keep in
step with git): when `knowledge/` is inside a repository (the project's own), commits touch only
the saved files (`git commit --only`, so nothing else a developer staged goes with them); when it
is not, a repository is created there, with the current files as its first commit.

Usage:
    history = KnowledgeHistory(Path("knowledge"))
    history.commit(["concepts/empathy-service.md"], Author("张三", "zhangsan@example.com"), "修改《移情服务》")
    [c.subject for c in history.log("concepts/empathy-service.md")]  # → ['修改《移情服务》', …]
    print(history.diff(changes[0].commit, "concepts/empathy-service.md"))
    history.revert_text(changes[0].commit, "concepts/empathy-service.md", current_text).text
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

#: Who commits on the trainers' behalf (the author is the trainer).
COMMITTER = ("共情服务知识助手", "console@empathy-kb.invalid")
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
_FIELD, _RECORD = "\x1f", "\x1e"


class HistoryError(RuntimeError):
    """git failed or refused; the message (Chinese) says what, for the trainer and the operator."""


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclass(frozen=True)
class Change:
    """One commit that touched the knowledge folder, with the files it changed (A/M/D, path)."""

    commit: str
    author: str
    email: str
    date: datetime
    subject: str
    files: list[tuple[str, str]] = field(default_factory=list)  # (status, path relative to the knowledge folder)

    @property
    def short(self) -> str:
        return self.commit[:8]


@dataclass(frozen=True)
class Revert:
    """The file's text once a change is undone (None: the file goes), and whether git merged it cleanly."""

    text: str | None
    clean: bool


class KnowledgeHistory:
    def __init__(self, knowledge_dir: Path, git: str = "git") -> None:
        self.root = Path(knowledge_dir).resolve()
        self.git = git
        self._lock = threading.Lock()
        self._top: Path | None = None

    # --- the repository -------------------------------------------------------------------

    @property
    def top(self) -> Path:
        """The work tree the knowledge folder belongs to (created on first use when there is none)."""
        if self._top is None:
            found = self._run(["rev-parse", "--show-toplevel"], cwd=self.root, check=False)
            if found.returncode != 0:
                self._init()
                found = self._run(["rev-parse", "--show-toplevel"], cwd=self.root)
            self._top = Path(found.stdout.strip()).resolve()
        return self._top

    def ensure(self) -> Path:
        """The repository, created now if there is none: before a first save, so that the saved
        edit is a commit of its own rather than part of the first version."""
        return self.top

    def _init(self) -> None:
        self._run(["init", "--quiet"], cwd=self.root)
        self._run(["add", "-A", "--", "."], cwd=self.root)
        self._run(
            [*self._identity(COMMITTER), "commit", "--quiet", "--no-verify", "-m", "知识库：初始版本"], cwd=self.root
        )

    def path(self, name: str) -> str:
        """A file of the knowledge folder as git names it (relative to the work tree)."""
        return (self.root / name).relative_to(self.top).as_posix()

    def _knowledge_name(self, path: str) -> str | None:
        full = self.top / path
        return full.relative_to(self.root).as_posix() if full.is_relative_to(self.root) else None

    # --- writing --------------------------------------------------------------------------

    def commit(self, files: list[str], author: Author, message: str) -> str | None:
        """Commit the current state of `files` (relative to the knowledge folder; written, added or
        deleted) as `author`; None when none of them changed."""
        paths = [self.path(f) for f in files]
        with self._lock:
            self._run(["add", "-A", "--", *paths])
            if not self._run(["status", "--porcelain", "--", *paths]).stdout.strip():
                return None
            who = ["--author", str(author)]
            self._run(
                [
                    *self._identity(COMMITTER),
                    "commit",
                    "--quiet",
                    "--no-verify",
                    *who,
                    "-m",
                    message,
                    "--only",
                    "--",
                    *paths,
                ]
            )
            return self._run(["rev-parse", "HEAD"]).stdout.strip()

    # --- reading --------------------------------------------------------------------------

    def log(self, file: str | None = None, limit: int = 50) -> list[Change]:
        """Changes to one file (relative to the knowledge folder) or to the whole folder, newest first."""
        spec = self.path(file) if file else self.path(".")
        fmt = _RECORD + _FIELD.join(["%H", "%an", "%ae", "%aI", "%s"])
        out = self._run(["log", f"-n{int(limit)}", f"--format={fmt}", "--name-status", "--no-renames", "--", spec])
        changes = []
        for record in out.stdout.split(_RECORD)[1:]:
            head, *rest = record.strip("\n").split("\n")
            commit, author, email, date, subject = head.split(_FIELD)
            files = []
            for line in rest:
                status, _, path = line.partition("\t")
                name = self._knowledge_name(path) if path else None
                if name is not None:
                    files.append((status[:1], name))
            changes.append(Change(commit, author, email, datetime.fromisoformat(date), subject, files))
        return changes

    def diff(self, commit: str, file: str | None = None) -> str:
        """The unified diff a change made (to one file, or to the knowledge folder)."""
        spec = self.path(file) if file else self.path(".")
        return self._run(
            ["show", "--format=", "--no-color", "--no-ext-diff", "-U3", self._checked(commit), "--", spec]
        ).stdout

    def text_at(self, commit: str, file: str) -> str | None:
        """The file's text as of `commit` (e.g. "abc123" or "abc123^"), None where it did not exist."""
        base = commit.removesuffix("^")
        found = self._run(
            ["show", f"{self._checked(base)}{'^' if commit.endswith('^') else ''}:{self.path(file)}"], check=False
        )
        return found.stdout if found.returncode == 0 else None

    def revert_text(self, commit: str, file: str, current: str | None) -> Revert:
        """`current` with the change `commit` made to `file` undone (git merge-file, three-way)."""
        after, before = self.text_at(commit, file), self.text_at(f"{commit}^", file)
        if after == current:
            return Revert(before, True)  # nothing changed since: back to the version before
        if before is None or after is None or current is None:
            return Revert(before, False)  # created or deleted by the change, changed since: no merge
        with tempfile.TemporaryDirectory() as tmp:
            names = []
            for label, text in (("current", current), ("after", after), ("before", before)):
                path = Path(tmp) / label
                path.write_text(text, encoding="utf-8")
                names.append(str(path))
            merged = self._run(
                ["merge-file", "-p", "-L", "当前版本", "-L", "修改后", "-L", "修改前", *names],
                check=False,
                cwd=Path(tmp),
            )
        if merged.returncode < 0 or merged.returncode > 127:
            raise HistoryError(f"git merge-file 失败：{merged.stderr.strip()}")
        return Revert(merged.stdout if merged.returncode == 0 else before, merged.returncode == 0)

    # --- git ------------------------------------------------------------------------------

    def _checked(self, commit: str) -> str:
        if not _COMMIT.fullmatch(commit):
            raise HistoryError(f"不是有效的修改编号：{commit[:40]!r}")
        if self._run(["cat-file", "-e", f"{commit}^{{commit}}"], check=False).returncode != 0:
            raise HistoryError(f"没有这个修改：{commit}")
        return commit

    @staticmethod
    def _identity(who: tuple[str, str]) -> list[str]:
        return ["-c", f"user.name={who[0]}", "-c", f"user.email={who[1]}", "-c", "commit.gpgsign=false"]

    def _run(self, args: list[str], cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C.UTF-8"}
        command = [self.git, "-c", "core.quotepath=false", *args]
        try:
            done = subprocess.run(
                command, cwd=cwd or self.top, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise HistoryError(f"无法运行 git：{exc}") from exc
        if check and done.returncode != 0:
            raise HistoryError(f"git {args[0]} 失败：{done.stderr.strip() or done.stdout.strip()}")
        return done
