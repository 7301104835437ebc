"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every generated file (index pointer, embedding cache, NLU resources, rendered endpoints) is
written through here, so a crash or a concurrent reader can never see a torn file.

Database files of the core (feedback) are created readable by their owner only (`private_file`).

Usage:
    atomic_write_text(Path("build/index/CURRENT"), "v-20261124T010000")
    with atomic_path(Path("build/index/cache/model.npz")) as tmp:
        np.savez(tmp, keys=keys, vectors=vectors)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary sibling of `path` to write to; it replaces `path` when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep the suffix: some writers (numpy) append their own when it is missing.
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_text_if_changed(path: Path, text: str) -> bool:
    """Write only when the content differs, keeping the mtime (and so any reload) otherwise."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True


def private_file(path: Path) -> Path:
    """`path` exists with mode 0600, e.g. an SQLite database before SQLite opens it (an empty file
    is a new database to SQLite, and its -wal/-shm/-journal files take the database file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for suffix in ("", "-wal", "-shm", "-journal"):
        own = path.with_name(path.name + suffix)
        if own.exists() and own.stat().st_mode & 0o777 != 0o600:
            own.chmod(0o600)
    return path
