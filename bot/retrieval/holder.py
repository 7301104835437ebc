"""Hot reload: serve the newest built index without a restart and without failing a request.

Each request takes the index reference once, so a swap never changes an index under a running
query. Looking for a new version costs one small file read, at most every `check_seconds`.
A version that fails to load is logged and the previous index keeps serving.

If `build/index/CURRENT` is missing, empty, or names a version that is not there or does not
load, and nothing is being served yet (a restarted action server), the newest complete version
on disk is served instead and an ERROR line says so, once per bad state, with what to run
(`kb build`). Refusing every question while a complete index sits on disk helps nobody.

Usage:
    holder = IndexHolder(Path("build/index"), check_seconds=1.0)
    index = holder.get()   # raises IndexMissingError until `kb build` has run
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bot.indexing.store import CURRENT, Index, IndexMissingError, complete_versions, current_version

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
        self._reported: str | None = None  # the bad state of CURRENT last logged
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
            if version is not None and version not in (self._version, self._failed):
                try:
                    self._serve(version)
                    self._reported = None
                    return
                except Exception:  # a broken or half-pruned version must not take the service down
                    log.exception("could not load index version %s; still serving %s", version, self._version)
                    self._failed = version  # logged once; a newer build is tried again
            if version is None or version == self._failed:
                if self._index is None:
                    self._fall_back(version)
                else:
                    self._report(version)
        finally:
            self._lock.release()

    def _serve(self, version: str) -> None:
        index = Index.load(self.root, version)
        self._index, self._version = index, version
        log.info("serving index %s (%d passages)", version, len(index.passages))

    def _fall_back(self, bad: str | None) -> None:
        """Nothing served and CURRENT unusable: the newest complete version that loads."""
        for version in complete_versions(self.root):
            if version == bad:
                continue
            try:
                self._serve(version)
            except Exception:
                log.exception("could not load index version %s either", version)
                continue
            self._report(bad)
            return

    def _report(self, bad: str | None) -> None:
        """An ERROR line for a bad CURRENT, once per bad state (not once per check)."""
        state = f"{bad}:{self._current_text()}"
        if self._reported == state:
            return
        log.error(
            "%s/%s is %s; serving version %s instead. Run `kb build` (or `kb build --full`) to repair the index.",
            self.root,
            CURRENT,
            f"{self._current_text()!r}, which does not load" if bad else f"{self._current_text()!r}: no such version",
            self._version,
        )
        self._reported = state

    def _current_text(self) -> str:
        try:
            return (self.root / CURRENT).read_text(encoding="utf-8", errors="replace").strip()[:80]
        except OSError:
            return "(missing)"
