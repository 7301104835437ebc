"""Incremental builds: only changed passages are embedded, and nothing stale survives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.indexing.builder import build_index
from bot.indexing.store import CURRENT, KEEP_VERSIONS, Index
from bot.settings import Settings
from tests.conftest import CharEncoder


@pytest.fixture
def settings(fixture_kb: Path, tmp_path: Path) -> Settings:
    return Settings(
        knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu", encoder="test-char-encoder"
    )


def texts(settings: Settings) -> list[str]:
    return [p.text for p in Index.load(settings.index_dir).passages]


def test_first_build_indexes_good_entries_and_reports_broken_files(
    settings: Settings, char_encoder: CharEncoder
) -> None:
    report = build_index(settings, encoder=char_encoder)
    index = Index.load(settings.index_dir)
    assert {p.entry_id for p in index.passages} == {
        "good-entry",
        "other-entry",
        "dangling-related",
        "good-scenario",
        "scenario-wrong-folder",
        "question-unknown-section",
        "question-empty",
        "question-duplicate",
        "question-taken",
    }
    assert report.passages == len(index.passages) and report.questions == sum(len(p.questions) for p in index.passages)
    assert report.embedded == report.passages + report.questions == index.dense.ntotal == len(index.rows)
    assert {p.path.as_posix() for p in report.problems if p.level == "error"} >= {"bad-yaml.md", "not-utf8.md"}
    assert index.manifest["model"] == "test-char-encoder" and index.manifest["dimension"] == CharEncoder.dimension


def test_unchanged_knowledge_is_not_rebuilt(settings: Settings, char_encoder: CharEncoder) -> None:
    first = build_index(settings, encoder=char_encoder)
    second = build_index(settings, encoder=char_encoder)
    assert second.skipped and second.version == first.version
    assert char_encoder.calls == [first.passages + first.questions]


def test_editing_one_passage_embeds_only_that_passage(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    path = settings.knowledge_dir / "good-entry.md"
    path.write_text(path.read_text(encoding="utf-8").replace("焦虑与不安", "担忧与紧张"), encoding="utf-8")
    report = build_index(settings, encoder=char_encoder)
    assert (report.embedded, char_encoder.calls[-1]) == (1, 1)
    assert not any("焦虑与不安" in t for t in texts(settings))
    assert any("担忧与紧张" in t for t in texts(settings))


def test_deleted_file_leaves_no_passage(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    (settings.knowledge_dir / "other-entry.md").unlink()
    report = build_index(settings, encoder=char_encoder)
    index = Index.load(settings.index_dir)
    assert "other-entry" not in {p.entry_id for p in index.passages}
    assert report.embedded == 0 and index.dense.ntotal == len(index.passages) + report.questions


def test_another_model_gets_a_fresh_embedding_cache(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    report = build_index(settings, encoder=CharEncoder("another-model (float32)"))
    assert not report.skipped and report.embedded == report.passages + report.questions
    assert Index.load(settings.index_dir).manifest["model"] == "another-model (float32)"


def test_same_model_name_with_another_dimension_re_embeds_everything(settings: Settings) -> None:
    build_index(settings, encoder=CharEncoder())
    wider = CharEncoder()
    wider.dimension = 300
    path = settings.knowledge_dir / "other-entry.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n## 总结\n新增的总结。\n", encoding="utf-8")
    report = build_index(settings, encoder=wider)
    assert report.embedded == report.passages + report.questions
    assert Index.load(settings.index_dir).dense.d == 300


def test_versions_are_swapped_atomically_and_pruned(settings: Settings, char_encoder: CharEncoder) -> None:
    for n in range(4):
        path = settings.knowledge_dir / "other-entry.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n## 总结：第{n}版\n修订{n}。\n", encoding="utf-8")
        report = build_index(settings, encoder=char_encoder)
    root = settings.index_dir
    assert (root / CURRENT).read_text(encoding="utf-8") == report.version
    versions = sorted(p.name for p in root.glob("v-*"))
    assert len(versions) == KEEP_VERSIONS and report.version in versions
    assert not list(root.glob(".*.tmp"))
    manifest = json.loads((root / report.version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["passages"] == len(Index.load(root).passages)


def test_full_rebuild_ignores_the_cache(settings: Settings, char_encoder: CharEncoder) -> None:
    first = build_index(settings, encoder=char_encoder)
    report = build_index(settings, full=True, encoder=char_encoder)
    assert not report.skipped and report.embedded == first.passages + first.questions


def _add_question(path: Path, heading: str, question: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("sources: [", f"questions:\n  {heading}:\n    - {question}\nsources: [", 1), encoding="utf-8"
    )


def test_adding_an_example_question_embeds_only_that_question(settings: Settings, char_encoder: CharEncoder) -> None:
    first = build_index(settings, encoder=char_encoder)
    _add_question(settings.knowledge_dir / "good-entry.md", "应用：医疗", "病人很紧张时护士该怎么说话")
    report = build_index(settings, encoder=char_encoder)
    assert (report.embedded, report.questions) == (1, first.questions + 1)
    assert char_encoder.calls == [first.passages + first.questions, 1]
    index = Index.load(settings.index_dir)
    passage = next(i for i, p in enumerate(index.passages) if p.citation == "《移情服务》· 应用 · 医疗")
    assert index.passages[passage].questions == ("病人很紧张时护士该怎么说话",)
    assert len(index.passage_rows[passage]) == 2  # its own text and the question
    assert report.reused == first.passages + first.questions


def test_removed_example_question_leaves_no_row(settings: Settings, char_encoder: CharEncoder) -> None:
    first = build_index(settings, encoder=char_encoder)
    path = settings.knowledge_dir / "scenarios" / "good-scenario.md"
    path.write_text(path.read_text(encoding="utf-8").replace("    - 来人火气很大第一句话说啥\n", ""), encoding="utf-8")
    report = build_index(settings, encoder=char_encoder)
    index = Index.load(settings.index_dir)
    assert report.embedded == 0 and report.questions == first.questions - 1
    assert "来人火气很大第一句话说啥" not in {q for p in index.passages for q in p.questions}
    assert index.dense.ntotal == len(index.rows) == len(index.passages) + report.questions
