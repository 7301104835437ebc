"""WatchedFile: a generated file's content, loaded once per version of the file."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest

from rasa_addons.nlu.watched import WatchedFile


class Loads:
    """A loader that counts its calls and returns the file's text."""

    def __init__(self, pause: float = 0.0) -> None:
        self.calls: list[Path] = []
        self.pause = pause

    def __call__(self, path: Path) -> str:
        self.calls.append(path)
        time.sleep(self.pause)
        return path.read_text(encoding="utf-8")


def write(path: Path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_loaded_once_while_unchanged(tmp_path: Path) -> None:
    path, loads = tmp_path / "f.json", Loads()
    write(path, "one", 1_000_000_000)
    watched = WatchedFile(path, loads, "test file")
    assert [watched.current() for _ in range(3)] == ["one"] * 3
    assert loads.calls == [path]


def test_reloaded_when_the_file_changes(tmp_path: Path) -> None:
    path, loads = tmp_path / "f.json", Loads()
    write(path, "one", 1_000_000_000)
    watched = WatchedFile(path, loads, "test file")
    assert watched.current() == "one"
    write(path, "two", 2_000_000_000)
    assert watched.current() == "two"
    assert len(loads.calls) == 2


def test_a_missing_file_is_none_and_logged_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path, loads = tmp_path / "f.json", Loads()
    watched = WatchedFile(path, loads, "test file")
    with caplog.at_level(logging.WARNING, logger="rasa_addons.nlu.watched"):
        assert watched.current() is None and watched.current() is None
    assert [r.getMessage() for r in caplog.records] == [f"no test file at {path}; run `kb build`"]
    assert loads.calls == []


def test_a_file_that_goes_away_and_comes_back(tmp_path: Path) -> None:
    path, loads = tmp_path / "f.json", Loads()
    write(path, "one", 1_000_000_000)
    watched = WatchedFile(path, loads, "test file")
    assert watched.current() == "one"
    path.unlink()
    assert watched.current() is None  # the old content is not used for a file that is gone
    write(path, "one", 1_000_000_000)  # back, even with the same time stamp
    assert watched.current() == "one"
    assert len(loads.calls) == 2


def test_concurrent_readers_load_a_version_once(tmp_path: Path) -> None:
    path, loads = tmp_path / "f.json", Loads(pause=0.05)
    write(path, "one", 1_000_000_000)
    watched = WatchedFile(path, loads, "test file")
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda: results.append(watched.current())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["one"] * 8
    assert len(loads.calls) == 1


def test_a_load_error_is_raised_and_retried_next_time(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    write(path, "bad", 1_000_000_000)
    attempts: list[int] = []

    def load(p: Path) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("half-written file")
        return p.read_text(encoding="utf-8")

    watched = WatchedFile(path, load, "test file")
    with pytest.raises(ValueError):
        watched.current()
    assert watched.current() == "bad"  # not cached as loaded: read again
