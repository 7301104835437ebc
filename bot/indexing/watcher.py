"""Rebuild the index when a trainer saves a knowledge file, inside the running action server.

The action server already has the encoder loaded, so a one-file rebuild takes well under a
second there (against several seconds for `kb build` as a new process, most of it importing
torch and loading the model); the reloader then serves the new version. Trainers save a file
and ask again.

In a cluster every action server shares `build/index/`, and one of them is enough to build it:
the watcher that holds the lock file `build/index/.watcher.lock` (flock, released by the kernel
when its process ends) watches and builds; the others only reload what it built (holder.py) and
try for the lock every `retry_seconds`, so another one takes over when the builder stops. A new
builder first catches up with edits saved while nobody watched.

Usage:
    watcher = KnowledgeWatcher(settings, encoder)
    watcher.start()        # daemon thread; watcher.stop() to end it
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from watchfiles import Change, DefaultFilter, watch

from bot.indexing.builder import build_index
from bot.indexing.encoder import Encoder
from bot.knowledge.cases import CASES_FILE
from bot.settings import Settings

log = logging.getLogger(__name__)


LOCK_FILE = ".watcher.lock"


@contextmanager
def leadership(index_dir: Path) -> Iterator[IO[str] | None]:
    """The builder's lock of `index_dir` if no other process holds it, else None."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = (index_dir / LOCK_FILE).open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        yield handle
    finally:
        handle.close()  # releases the lock


class KnowledgeFilter(DefaultFilter):
    """Changes the index depends on: not the saved test cases (knowledge/tests.yml), which a
    trainer saves without touching an entry."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and Path(path).name != CASES_FILE


class KnowledgeWatcher:
    def __init__(
        self, settings: Settings, encoder: Encoder, debounce_ms: int = 500, retry_seconds: float = 5.0
    ) -> None:
        if debounce_ms < 0:
            raise ValueError("debounce_ms must not be negative")
        if retry_seconds <= 0:
            raise ValueError("retry_seconds must be positive")
        self.settings = settings
        self.encoder = encoder
        self.debounce_ms = debounce_ms
        self.retry_seconds = retry_seconds
        self.leading = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="knowledge-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def rebuild(self) -> None:
        try:
            report = build_index(self.settings, encoder=self.encoder)
        except Exception:  # a failed rebuild must not stop watching; the current index keeps serving
            log.exception("rebuilding the knowledge index failed; still serving the previous one")
            return
        for problem in report.problems:
            log.warning("knowledge/%s", problem)
        if not report.skipped:
            log.info(
                "rebuilt index %s: %d passages, %d embedded, %.2fs",
                report.version,
                report.passages,
                report.embedded,
                report.seconds,
            )

    def _run(self) -> None:
        said = False
        while not self._stop.is_set():
            with leadership(self.settings.index_dir) as lock:
                if lock is not None:
                    self._watch()
                    return
            if not said:
                log.info(
                    "another action server builds the index on changes to %s (it holds %s); this one reloads it",
                    self.settings.knowledge_dir,
                    self.settings.index_dir / LOCK_FILE,
                )
                said = True
            self._stop.wait(self.retry_seconds)

    def _watch(self) -> None:
        log.info("watching %s for changes; this action server builds the index", self.settings.knowledge_dir)
        caught_up = False
        try:
            # The first pass (on the first change or after `rust_timeout`, with the watcher already
            # running) catches up with edits saved while no builder watched; an edit saved during
            # that rebuild is a change of the next pass, never lost between the two.
            for changes in watch(
                self.settings.knowledge_dir,
                watch_filter=KnowledgeFilter(),
                debounce=self.debounce_ms,
                stop_event=self._stop,
                rust_timeout=1000,
                yield_on_timeout=True,
            ):
                if changes or not caught_up:
                    self.rebuild()
                if not caught_up:
                    caught_up = True
                    self.leading.set()  # watching and caught up
        finally:
            self.leading.clear()
