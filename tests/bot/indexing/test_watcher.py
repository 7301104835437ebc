"""A saved knowledge file is rebuilt and served by the running process, with no command."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.indexing.builder import build_index
from bot.indexing.store import Index
from bot.indexing.watcher import KnowledgeFilter, KnowledgeWatcher
from bot.settings import Settings
from tests.conftest import CharEncoder


def wait_for(condition, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_saved_edit_is_rebuilt_and_served(fixture_kb: Path, tmp_path: Path, char_encoder: CharEncoder) -> None:
    settings = Settings(
        knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu", encoder="test-char-encoder"
    )
    build_index(settings, encoder=char_encoder)
    watcher = KnowledgeWatcher(settings, char_encoder, debounce_ms=100)
    watcher.start()
    try:
        time.sleep(0.5)  # let the watch begin
        path = fixture_kb / "other-entry.md"
        path.write_text(path.read_text(encoding="utf-8").replace("实际体验", "真实感受"), encoding="utf-8")
        assert wait_for(lambda: any("真实感受" in p.text for p in Index.load(settings.index_dir).passages))
        assert not any("实际体验" in p.text for p in Index.load(settings.index_dir).passages)
    finally:
        watcher.stop()


def test_saving_test_cases_rebuilds_nothing() -> None:
    from watchfiles import Change

    watched = KnowledgeFilter()
    assert not watched(Change.modified, "/srv/kb/knowledge/tests.yml")
    assert watched(Change.modified, "/srv/kb/knowledge/concepts/empathy-service.md")
    assert watched(Change.modified, "/srv/kb/knowledge/schema.yml")


def test_negative_debounce_is_rejected(tmp_path: Path, char_encoder: CharEncoder) -> None:
    with pytest.raises(ValueError):
        KnowledgeWatcher(Settings(knowledge_dir=tmp_path), char_encoder, debounce_ms=-1)


def test_one_watcher_of_a_cluster_builds_and_another_takes_over(
    fixture_kb: Path, tmp_path: Path, char_encoder: CharEncoder
) -> None:
    settings = Settings(
        knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu", encoder="test-char-encoder"
    )
    build_index(settings, encoder=char_encoder)
    builds: dict[str, int] = {"first": 0, "second": 0}

    class Counting(KnowledgeWatcher):
        def __init__(self, name: str) -> None:
            super().__init__(settings, char_encoder, debounce_ms=100, retry_seconds=0.2)
            self.name = name

        def rebuild(self) -> None:
            builds[self.name] += 1
            super().rebuild()

    first, second = Counting("first"), Counting("second")
    first.start()
    assert wait_for(first.leading.is_set)
    second.start()
    try:
        time.sleep(0.6)
        assert not second.leading.is_set() and builds["second"] == 0  # the other one only reloads
        path = fixture_kb / "other-entry.md"
        path.write_text(path.read_text(encoding="utf-8").replace("实际体验", "真实感受"), encoding="utf-8")
        assert wait_for(lambda: any("真实感受" in p.text for p in Index.load(settings.index_dir).passages))
        assert builds["second"] == 0
        first.stop()  # the builder goes away
        assert wait_for(second.leading.is_set)
        path.write_text(path.read_text(encoding="utf-8").replace("真实感受", "亲身感受"), encoding="utf-8")
        assert wait_for(lambda: any("亲身感受" in p.text for p in Index.load(settings.index_dir).passages))
    finally:
        first.stop()
        second.stop()
