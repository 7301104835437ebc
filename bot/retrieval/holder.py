"""Hot reload: serve the newest built index without a restart and without failing a request.

Each request takes the index reference once, so a swap never changes an index under a running
query. Looking for a new version costs one small file read, at most every `check_seconds`.
A version that fails to load is logged and the previous index keeps serving.

Usage:
    holder = IndexHolder(Path("build/index"), check_seconds=1.0)
    index = holder.get()   # raises IndexMissingError until `kb build` has run
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bot.indexing.store import Index, IndexMissingError, current_version

log = logging.getLogger(__name__)


class IndexHolder:
    def __init__(self, root: Path, check_seconds: float = 1.0) -> None:
        if check_seconds <= 0:
            raise ValueError("check_seconds must be positive")
        self.root = Path(root)
        self.check_seconds = check_seconds
        self._index: Index | None = None
        self._version: str | None = None
        self._failed: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> Index:
        now = time.monotonic()
        if self._index is None or now - self._checked >= self.check_seconds:
            self._refresh(now)
        if self._index is None:
            raise IndexMissingError(f"no index in {self.root}; run `kb build`")
        return self._index

    def reload(self) -> Index:
        """Look for a new version now (e.g. right after a build), not at the next check."""
        self._refresh(time.monotonic())
        return self.get()

    def _refresh(self, now: float) -> None:
        if not self._lock.acquire(blocking=self._index is None):
            return  # another request is loading; keep serving the current index
        try:
            self._checked = now
            version = current_version(self.root)
            if version is None or version in (self._version, self._failed):
                return
            try:
                index = Index.load(self.root)
            except Exception:  # a broken or half-pruned version must not take the service down
                log.exception("could not load index version %s; still serving %s", version, self._version)
                self._failed = version  # logged once; a newer build is tried again
                return
            self._index, self._version = index, version
            log.info("serving index %s (%d passages)", version, len(index.passages))
        finally:
            self._lock.release()
