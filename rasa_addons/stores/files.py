"""Database files readable by their owner only: they hold what staff asked, and to whom it was said.

SQLite creates a database file with the process's umask (usually 0644: readable by every user of
the machine), and its `-wal` and `-shm` files with the database file's own mode. So the file is
created here first, empty (SQLite takes an empty file as a new database), with mode 0600; an
existing file is set to 0600.

Usage:
    private_file("var/rasa/tracker.db")
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600


def private_file(path: str | os.PathLike[str]) -> Path:
    """`path` exists with mode 0600 (its folder is created if missing), and so do its companions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
    for suffix in ("", "-wal", "-shm", "-journal"):
        own = path.with_name(path.name + suffix)
        if own.exists() and own.stat().st_mode & 0o777 != PRIVATE:
            own.chmod(PRIVATE)
    return path
