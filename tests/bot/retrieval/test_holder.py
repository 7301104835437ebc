"""Hot reload: a rebuilt index is served without a restart, and no concurrent query fails."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.indexing.builder import build_index
from bot.indexing.store import IndexMissingError
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import CharEncoder


@pytest.fixture
def settings(fixture_kb: Path, tmp_path: Path) -> Settings:
    return Settings(
        knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu", encoder="test-char-encoder"
    )


def test_missing_index_raises_until_built(settings: Settings, char_encoder: CharEncoder) -> None:
    holder = IndexHolder(settings.index_dir, check_seconds=0.01)
    with pytest.raises(IndexMissingError):
        holder.get()
    build_index(settings, encoder=char_encoder)
    time.sleep(0.02)
    assert len(holder.get().passages) > 0


def test_check_interval_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        IndexHolder(tmp_path, check_seconds=0)


def test_reload_under_concurrent_queries_fails_none(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    retriever = Retriever(IndexHolder(settings.index_dir, check_seconds=0.01), char_encoder)
    errors: list[BaseException] = []
    answered = [0]
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                result = retriever.search("移情服务在医院怎么用", top_k=3)
                assert result.hits
                answered[0] += 1
            except BaseException as exc:  # noqa: BLE001 - every failure counts
                errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    path = settings.knowledge_dir / "good-entry.md"
    for n in range(6):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("焦虑与不安" if n == 0 else f"版本{n - 1}", f"版本{n}"), encoding="utf-8")
        build_index(settings, encoder=char_encoder)
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answered[0] > 20

    time.sleep(0.02)
    texts = [h.passage.text for h in retriever.search("医护人员理解患者的版本", top_k=10).hits]
    assert any("版本5" in t for t in texts) and not any("版本4" in t or "焦虑与不安" in t for t in texts)


def test_broken_version_keeps_the_previous_index(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    holder = IndexHolder(settings.index_dir, check_seconds=0.01)
    served = holder.get().path
    broken = settings.index_dir / "v-99999999T000000000000"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json", encoding="utf-8")
    (settings.index_dir / "CURRENT").write_text(broken.name, encoding="utf-8")
    time.sleep(0.02)
    assert holder.get().path == served


def test_index_of_another_encoder_is_refused(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    retriever = Retriever(IndexHolder(settings.index_dir), CharEncoder("other-model (bfloat16)"))
    with pytest.raises(IndexMissingError, match="run `kb build`"):
        retriever.search("移情服务")


@pytest.mark.parametrize("damage", ["deleted", "empty", "garbage", "names a deleted version", "names a corrupt one"])
def test_a_restarted_server_serves_the_newest_complete_version_when_current_is_bad(
    settings: Settings, char_encoder: CharEncoder, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    build_index(settings, encoder=char_encoder)
    good = (settings.index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    current = settings.index_dir / "CURRENT"
    if damage == "deleted":
        current.unlink()
    elif damage == "empty":
        current.write_text("", encoding="utf-8")
    elif damage == "garbage":
        current.write_bytes(b"\x00\xff not a version")
    elif damage == "names a deleted version":
        current.write_text("v-20000101T000000000000", encoding="utf-8")
    else:
        broken = settings.index_dir / "v-99999999T000000000000"
        broken.mkdir()
        for name in ("passages.jsonl", "dense.faiss", "rows.npy", "bm25", "manifest.json"):
            (broken / name).write_text("{not an index", encoding="utf-8")
        current.write_text(broken.name, encoding="utf-8")
    with caplog.at_level("ERROR", logger="bot.retrieval.holder"):
        holder = IndexHolder(settings.index_dir, check_seconds=0.01)  # a restarted action server
        assert holder.get().path.name == good
        time.sleep(0.02)
        holder.get()
    loud = [r for r in caplog.records if "CURRENT" in r.getMessage() and "kb build" in r.getMessage()]
    assert len(loud) == 1 and good in loud[0].getMessage()  # said once, not at every check


def test_a_repaired_current_is_served_again(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    (settings.index_dir / "CURRENT").unlink()
    holder = IndexHolder(settings.index_dir, check_seconds=0.01)
    fallback = holder.get().path.name
    build_index(settings, full=True, encoder=char_encoder)  # `kb build --full` writes a new version
    time.sleep(0.02)
    assert holder.get().path.name != fallback


def test_a_current_deleted_while_serving_is_reported_once(
    settings: Settings, char_encoder: CharEncoder, caplog: pytest.LogCaptureFixture
) -> None:
    build_index(settings, encoder=char_encoder)
    holder = IndexHolder(settings.index_dir, check_seconds=0.01)
    served = holder.get().path
    (settings.index_dir / "CURRENT").unlink()
    with caplog.at_level("ERROR", logger="bot.retrieval.holder"):
        for _ in range(3):
            time.sleep(0.02)
            assert holder.get().path == served
    assert sum("CURRENT" in r.getMessage() for r in caplog.records) == 1
