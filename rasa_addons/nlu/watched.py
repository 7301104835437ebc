"""A generated file's content, re-read when `kb build` replaces it.

The knowledge build writes the Rasa server's NLU resources (entity patterns, the reading
vocabulary); components read them through this, so a trainer's edit is used on the next message
without retraining or a restart.

Usage:
    patterns = WatchedFile(Path("build/nlu/entity_patterns.jsonl"), load_ruler, "entity patterns")
    ruler = patterns.current()  # None while the file is missing (logged once)
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class WatchedFile(Generic[T]):
    def __init__(self, path: Path, load: Callable[[Path], T], what: str) -> None:
        self.path = path
        self.what = what
        self._load = load
        self._stamp: int | None = None
        self._value: T | None = None
        self._lock = threading.Lock()

    def current(self) -> T | None:
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            if self._stamp != -1:
                log.warning("no %s at %s; run `kb build`", self.what, self.path)
                self._stamp, self._value = -1, None
            return None
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._value = self._load(self.path)
                    self._stamp = stamp
        return self._value
