"""Example questions as retrieval keys: a trainer's phrasing retrieves its passage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.indexing.builder import build_index
from bot.indexing.store import MANIFEST, Index, IndexMissingError
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Fusion, Settings
from tests.conftest import CharEncoder

QUESTION = "窗口前有人拍桌子骂人该咋办"


@pytest.fixture
def settings(fixture_kb: Path, tmp_path: Path) -> Settings:
    return Settings(
        knowledge_dir=fixture_kb, index_dir=tmp_path / "index", nlu_dir=tmp_path / "nlu", encoder="test-char-encoder"
    )


def search(settings: Settings, encoder: CharEncoder, question: str, mode: str):
    build_index(settings, encoder=encoder)
    return Retriever(IndexHolder(settings.index_dir), encoder).search(question, top_k=3, mode=mode)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_an_example_question_retrieves_its_passage(settings: Settings, char_encoder: CharEncoder, mode: str) -> None:
    result = search(settings, char_encoder, QUESTION, mode)
    assert result.hits[0].passage.id == "good-scenario#实施策略"
    if mode != "bm25":
        # the question's own row (cosine 1, less the offset), not the passage text
        assert result.hits[0].dense == pytest.approx(1.0 - Fusion().question_offset)


def test_without_the_example_question_the_phrasing_misses(settings: Settings, char_encoder: CharEncoder) -> None:
    path = settings.knowledge_dir / "scenarios" / "good-scenario.md"
    path.write_text(path.read_text(encoding="utf-8").replace(f"    - {QUESTION}\n", ""), encoding="utf-8")
    result = search(settings, char_encoder, QUESTION, "dense")
    target = [h for h in result.hits if h.passage.id == "good-scenario#实施策略"]
    assert not target or target[0].dense < 0.9


def test_a_passage_appears_once_however_many_of_its_keys_match(settings: Settings, char_encoder: CharEncoder) -> None:
    result = search(settings, char_encoder, "来人火气很大第一句话说啥，窗口前有人拍桌子骂人", "dense")
    ids = [h.passage.id for h in result.hits]
    assert len(ids) == len(set(ids)) and ids[0] == "good-scenario#实施策略"


def test_lexical_only_candidates_are_scored_by_their_best_key(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    index = Index.load(settings.index_dir)
    target = next(i for i, p in enumerate(index.passages) if p.id == "good-scenario#实施策略")
    vector = char_encoder.encode_queries([QUESTION])
    assert Retriever._cosines(index, vector, [target], 0.03)[target] == pytest.approx(0.97)


def test_an_index_of_the_previous_format_asks_for_a_rebuild(settings: Settings, char_encoder: CharEncoder) -> None:
    build_index(settings, encoder=char_encoder)
    (Index.load(settings.index_dir).path / "rows.npy").unlink()
    with pytest.raises(IndexMissingError, match="kb build"):
        Index.load(settings.index_dir)


def test_an_index_built_by_a_newer_version_asks_for_a_rebuild(settings: Settings, char_encoder: CharEncoder) -> None:
    """Rolled back code meeting a routing key it does not know gets the rebuild message, not a crash."""
    build_index(settings, encoder=char_encoder)
    manifest_path = Index.load(settings.index_dir).path / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["routing"]["roles"]["tomorrow"] = "定义"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(IndexMissingError, match="another version; run `kb build`"):
        Index.load(settings.index_dir)


def test_the_section_of_the_entry_named_and_the_kind_asked_gets_both_boosts_and_more() -> None:
    from bot.knowledge.entries import Passage
    from bot.retrieval.query import QueryAnalysis

    retriever = Retriever(IndexHolder(Path("unused")), CharEncoder(), Fusion(topic=0.1, kind=0.1, section=0.2))
    asked = QueryAnalysis(topics=["needs"], kinds=["特征"])

    def passage(entry: str, kind: str) -> Passage:
        return Passage(entry, entry, "concept", kind, kind, "…", (), (), (), f"{entry}.md", 1)

    assert retriever._boost(passage("needs", "特征"), asked) == pytest.approx(0.4)
    assert retriever._boost(passage("needs", "趋势"), asked) == pytest.approx(0.1)
    assert retriever._boost(passage("other", "特征"), asked) == pytest.approx(0.1)


def test_the_included_entries_passages_are_returned_beyond_top_k(settings: Settings, char_encoder: CharEncoder) -> None:
    """A follow-up weighs the conversation's entry even when the message's words are nobody's."""
    build_index(settings, encoder=char_encoder)
    retriever = Retriever(IndexHolder(settings.index_dir), char_encoder)
    first = retriever.search(QUESTION, top_k=1).hits[0].passage
    other = next(p.entry_id for p in Index.load(settings.index_dir).passages if p.entry_id != first.entry_id)
    hits = retriever.search(QUESTION, top_k=1, include=[other]).hits
    assert hits[0].passage.id == first.id
    assert {h.passage.entry_id for h in hits[1:]} == {other}
    assert len(retriever.search(QUESTION, top_k=1).hits) == 1  # nothing included: top_k as before


def test_a_conjunction_alone_matches_no_passage_lexically(settings: Settings, char_encoder: CharEncoder) -> None:
    """Rare in passages, "因为" has a high IDF: it would lift whichever passage happens to say it."""
    path = settings.knowledge_dir / "scenarios" / "good-scenario.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## 实施策略\n", "## 实施策略\n因为排队。\n"), encoding="utf-8"
    )
    assert search(settings, char_encoder, "排队", "bm25").hits[0].passage.id == "good-scenario#实施策略"
    assert search(settings, char_encoder, "因为", "bm25").hits == []


def test_the_askers_i_is_read_as_the_knowledge_bases_word_for_staff(
    settings: Settings, char_encoder: CharEncoder
) -> None:
    """Staff speak of themselves as 我; the passages speak of 服务人员 (routing.yml `speaker`)."""
    assert search(settings, char_encoder, "我心里堵得慌", "bm25").hits == []
    routing = settings.knowledge_dir / "routing.yml"
    routing.write_text(routing.read_text(encoding="utf-8") + "speaker: 服务人员\n", encoding="utf-8")
    result = search(settings, char_encoder, "我心里堵得慌", "bm25")
    assert "good-scenario#概述" in [h.passage.id for h in result.hits]
    assert all("人员" in h.passage.text for h in result.hits)  # 服务人员, 医护人员: nothing else matched
    assert result.reading.understood == "我心里堵得慌"  # what the trace shows is what was typed
    # "我该…" asks what the asker should do about the customer: the customer's situation, not staff's state
    assert search(settings, char_encoder, "我该心里堵得慌", "bm25").hits == []
