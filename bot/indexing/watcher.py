"""Rebuild the index when a trainer saves a knowledge file, inside the running action server.

The action server already has the encoder loaded, so a one-file rebuild takes well under a
second there (against several seconds for `kb build` as a new process, most of it importing
torch and loading the model); the reloader then serves the new version. Trainers save a file
and ask again.

Usage:
    watcher = KnowledgeWatcher(settings, encoder)
    watcher.start()        # daemon thread; watcher.stop() to end it
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from bot.indexing.builder import build_index
from bot.indexing.encoder import Encoder
from bot.knowledge.cases import CASES_FILE
from bot.settings import Settings

log = logging.getLogger(__name__)


class KnowledgeFilter(DefaultFilter):
    """Changes the index depends on: not the saved test cases (knowledge/tests.yml), which a
    trainer saves without touching an entry."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and Path(path).name != CASES_FILE


class KnowledgeWatcher:
    def __init__(self, settings: Settings, encoder: Encoder, debounce_ms: int = 500) -> None:
        if debounce_ms < 0:
            raise ValueError("debounce_ms must not be negative")
        self.settings = settings
        self.encoder = encoder
        self.debounce_ms = debounce_ms
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
        log.info("watching %s for changes", self.settings.knowledge_dir)
        for _changes in watch(
            self.settings.knowledge_dir,
            watch_filter=KnowledgeFilter(),
            debounce=self.debounce_ms,
            stop_event=self._stop,
            rust_timeout=1000,
            yield_on_timeout=False,
        ):
            self.rebuild()
