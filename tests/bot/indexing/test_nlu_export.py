import json
import os
from pathlib import Path

import jieba

from bot.indexing.nlu_export import (
    JIEBA_DICTIONARY,
    PATTERNS_FILE,
    VOCABULARY_FILE,
    entity_patterns,
    vocabulary,
    write_nlu_resources,
)
from bot.indexing.store import Index
from bot.knowledge.entries import load_knowledge
from bot.knowledge.terms import TermTable, normalize
from bot.settings import Settings
from normalization.reading import Reader
from tests.conftest import KB


def terms_of(folder: Path) -> TermTable:
    return TermTable.from_knowledge(load_knowledge(folder))


OLD = 1_000_000_000  # a file time far in the past: a rewrite would move it to now


def add_aliases(kb_dir: Path, entry: str, old: str, new: str) -> None:
    path = kb_dir / entry
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def read_patterns(directory: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in (directory / PATTERNS_FILE).read_text(encoding="utf-8").splitlines()]


def age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD, OLD))


def test_topic_patterns_from_titles_and_aliases(fixture_kb: Path) -> None:
    topics = [
        p
        for p in entity_patterns(terms_of(fixture_kb))
        if p["label"] == "topic" and p["id"] in {"dangling-related", "good-entry", "other-entry", "good-scenario"}
    ]
    assert topics == [
        {"label": "topic", "pattern": "悬空关联", "id": "dangling-related"},
        {"label": "topic", "pattern": "共情服务", "id": "good-entry"},
        {"label": "topic", "pattern": "移情", "id": "good-entry"},
        {"label": "topic", "pattern": "移情服务", "id": "good-entry"},
        {"label": "topic", "pattern": "安抚生气的客户", "id": "good-scenario"},
        {"label": "topic", "pattern": "客户发火", "id": "good-scenario"},
        {"label": "topic", "pattern": "期望确认", "id": "other-entry"},
        {"label": "topic", "pattern": "期望确认理论", "id": "other-entry"},
    ]


def test_broken_entries_have_no_patterns(fixture_kb: Path) -> None:
    """sub/good-entry.md (duplicate id, title 重复编号) did not load, so it must not be recognized."""
    patterns = {p["pattern"] for p in entity_patterns(terms_of(fixture_kb))}
    assert "重复编号" not in patterns


def test_industry_patterns_map_words_to_canonical_industries(fixture_kb: Path) -> None:
    kb = load_knowledge(fixture_kb)
    industries = {
        p["pattern"]: p["id"] for p in entity_patterns(TermTable.from_knowledge(kb)) if p["label"] == "industry"
    }
    assert industries["医院"] == "医疗"
    assert industries["医疗"] == "医疗"
    assert industries["宾馆"] == "酒店"
    assert industries["云服务"] == "科技"
    assert industries == kb.vocabulary.industries  # every word of schema.yml, none lost to a topic
    assert set(industries.values()) == {"银行", "酒店", "零售", "医疗", "餐饮", "教育", "科技", "电信", "旅游"}


def test_a_term_differing_only_in_case_gets_one_pattern(fixture_kb: Path) -> None:
    add_aliases(fixture_kb, "other-entry.md", "aliases: [期望确认]", "aliases: [ECT, ect, 期望确认]")
    patterns = [p for p in entity_patterns(terms_of(fixture_kb)) if p["pattern"].lower() == "ect"]
    assert patterns == [{"label": "topic", "pattern": "ECT", "id": "other-entry"}]


def test_write_nlu_resources(fixture_kb: Path, tmp_path: Path) -> None:
    kb = load_knowledge(fixture_kb)
    out = tmp_path / "nlu"
    write_nlu_resources(TermTable.from_knowledge(kb), out)
    assert read_patterns(out) == entity_patterns(TermTable.from_knowledge(kb))
    lines = (out / JIEBA_DICTIONARY).read_text(encoding="utf-8").splitlines()
    assert "移情服务 200000" in lines and "期望确认理论 200000" in lines and "医院 200000" in lines
    assert len(lines) == len(entity_patterns(TermTable.from_knowledge(kb)))
    assert sorted(os.listdir(out)) == ["entity_patterns.jsonl", "jieba", "vocabulary.json"]  # no temporary file left


def test_rerun_with_the_same_knowledge_keeps_the_files(fixture_kb: Path, tmp_path: Path) -> None:
    """An unchanged file keeps its mtime, so Rasa does not reload the patterns or retrain."""
    out = tmp_path / "nlu"
    write_nlu_resources(terms_of(fixture_kb), out)
    patterns, dictionary = out / PATTERNS_FILE, out / JIEBA_DICTIONARY
    age(patterns, dictionary)
    write_nlu_resources(terms_of(fixture_kb), out)
    assert patterns.stat().st_mtime_ns == OLD
    assert dictionary.stat().st_mtime_ns == OLD


def test_a_new_alias_rewrites_the_files(fixture_kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "nlu"
    write_nlu_resources(terms_of(fixture_kb), out)
    patterns, dictionary = out / PATTERNS_FILE, out / JIEBA_DICTIONARY
    age(patterns, dictionary)
    add_aliases(fixture_kb, "other-entry.md", "aliases: [期望确认]", "aliases: [期望确认, 期望不一致理论]")
    write_nlu_resources(terms_of(fixture_kb), out)
    assert patterns.stat().st_mtime_ns != OLD
    assert dictionary.stat().st_mtime_ns != OLD
    assert {"label": "topic", "pattern": "期望不一致理论", "id": "other-entry"} in read_patterns(out)
    assert "期望不一致理论 200000" in dictionary.read_text(encoding="utf-8").splitlines()


def test_multi_word_alias_changes_only_the_patterns(fixture_kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "nlu"
    write_nlu_resources(terms_of(fixture_kb), out)
    patterns, dictionary = out / PATTERNS_FILE, out / JIEBA_DICTIONARY
    age(patterns, dictionary)
    add_aliases(fixture_kb, "good-entry.md", "aliases: [移情, 共情服务]", "aliases: [移情, 共情服务, empathy service]")
    write_nlu_resources(terms_of(fixture_kb), out)
    assert {"label": "topic", "pattern": "empathy service", "id": "good-entry"} in read_patterns(out)
    assert patterns.stat().st_mtime_ns != OLD
    assert dictionary.stat().st_mtime_ns == OLD  # jieba cannot use "empathy service": nothing to retrain


def test_jieba_dictionary_lines(fixture_kb: Path, tmp_path: Path) -> None:
    add_aliases(
        fixture_kb,
        "good-entry.md",
        "aliases: [移情, 共情服务]",
        "aliases: [移情, 共情服务, empathy service, SERVQUAL, Maslow's hierarchy of needs]",
    )
    write_nlu_resources(terms_of(fixture_kb), tmp_path)
    lines = (tmp_path / JIEBA_DICTIONARY).read_text(encoding="utf-8").splitlines()
    assert all(line.endswith(" 200000") and " " not in line.removesuffix(" 200000") for line in lines)
    words = [line.removesuffix(" 200000") for line in lines]
    assert words == sorted(words)
    assert "SERVQUAL" in words
    assert "empathy service" not in words and "empathy" not in words
    assert not any("Maslow" in w for w in words)


def test_jieba_loads_the_dictionary(fixture_kb: Path, tmp_path: Path) -> None:
    write_nlu_resources(terms_of(fixture_kb), tmp_path)
    tokenizer = jieba.Tokenizer()
    assert tokenizer.lcut("期望确认理论和移情服务") == ["期望", "确认", "理论", "和", "移情", "服务"]
    tokenizer.load_userdict(str(tmp_path / JIEBA_DICTIONARY))
    assert tokenizer.lcut("期望确认理论和移情服务") == ["期望确认理论", "和", "移情服务"]


# --- vocabulary.json: what the Rasa server reads a message with ---------------------------------


def test_vocabulary_holds_names_synonyms_and_words() -> None:
    terms = terms_of(KB)
    data = vocabulary(terms, ["满意度", "情绪", "满意度"])
    assert data["names"]["客户情绪管理"] == "customer-emotion-management"
    assert data["names"]["emotion management"] == "customer-emotion-management"  # normalized
    assert data["names"]["医院"] == "医疗"  # industry words are names too
    assert data["names"] == {**terms.topics, **terms.industries}
    assert list(data["names"]) == sorted(data["names"])
    assert data["synonyms"] == dict(sorted(terms.synonyms.items()))
    assert data["synonyms"]["emotion regulation"] == "情绪调节"
    assert data["words"] == ["情绪", "满意度"]  # sorted, once each
    assert data["kind_cues"] == []
    assert vocabulary(terms, [], ["怎么做", "举个例子", "怎么做"])["kind_cues"] == ["举个例子", "怎么做"]


def test_the_build_exports_the_kind_cues(kb_settings, kb_index) -> None:
    data = json.loads((kb_settings.nlu_dir / VOCABULARY_FILE).read_text(encoding="utf-8"))
    assert set(data["kind_cues"]) == kb_index.routing.cue_words


def test_the_build_exports_the_list_items(kb_settings, kb_index) -> None:
    """The intent guard reads a bare item name ("情绪调节") as a question about it."""
    data = json.loads((kb_settings.nlu_dir / VOCABULARY_FILE).read_text(encoding="utf-8"))
    assert "情绪调节" in data["items"]
    assert {normalize(i) for i in data["items"]} == {name for name, _, _ in kb_index.list_items}


def test_write_nlu_resources_writes_the_vocabulary(tmp_path: Path) -> None:
    terms = terms_of(KB)
    write_nlu_resources(terms, tmp_path, ["服务", "满意度"])
    data = json.loads((tmp_path / VOCABULARY_FILE).read_text(encoding="utf-8"))
    assert data == vocabulary(terms, ["服务", "满意度"])
    assert "客户情绪管理" in (tmp_path / VOCABULARY_FILE).read_text(encoding="utf-8")  # readable, not escaped


def test_the_vocabulary_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    terms = terms_of(KB)
    write_nlu_resources(terms, tmp_path, ["服务"])
    path = tmp_path / VOCABULARY_FILE
    age(path)
    write_nlu_resources(terms, tmp_path, ["服务"])
    assert path.stat().st_mtime_ns == OLD  # the Rasa server does not reload an unchanged vocabulary
    write_nlu_resources(terms, tmp_path, ["服务", "倾听"])
    assert path.stat().st_mtime_ns != OLD
    assert json.loads(path.read_text(encoding="utf-8"))["words"] == ["倾听", "服务"]


def test_the_build_exports_the_words_the_core_reads_with(kb_settings: Settings, kb_index: Index) -> None:
    """Both runtimes read a message alike: the exported vocabulary is the index's own."""
    data = json.loads((kb_settings.nlu_dir / VOCABULARY_FILE).read_text(encoding="utf-8"))
    assert set(data["words"]) == set(kb_index.content_words) - {"∅", ""}  # the words a typo may mean
    assert data["names"] == {**kb_index.terms.topics, **kb_index.terms.industries}
    assert data["synonyms"] == kb_index.terms.synonyms
    segmenter = kb_index.segmenter
    rasa_side = Reader(data["names"], data["synonyms"], data["words"], segmenter.known, segmenter.pieces)
    for text in ["客户情叙管理有哪些策略", "客戶情緒管理", "emotion regulation 怎么做", "顾客瞒意度", "续约律是什么"]:
        assert rasa_side.read(text) == kb_index.reader.read(text), text
