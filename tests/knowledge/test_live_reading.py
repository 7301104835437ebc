"""The live knowledge base read as staff type: no typo aliases (homophones find the entry), and
the issue's typos, Traditional characters and English words read as the knowledge base's names."""

from __future__ import annotations

import pytest

from bot.knowledge.entries import KnowledgeBase, load_knowledge
from bot.knowledge.terms import TermTable, normalize
from bot.retrieval.segment import Segmenter
from normalization.matching import homophones
from normalization.reading import Reader
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(ROOT / "knowledge")


@pytest.fixture(scope="module")
def reader(kb: KnowledgeBase) -> Reader:
    """Read as the index reads (Index.reader): its names, synonyms and passage words."""
    terms = TermTable.from_knowledge(kb)
    segmenter = Segmenter(terms.words())
    words = {t for p in kb.passages for t in segmenter.tokens(p.lexical_text)}
    return Reader({**terms.topics, **terms.industries}, terms.synonyms, words, segmenter.known, segmenter.pieces)


def typo(alias: str, title: str) -> bool:
    """One character replaced by one that sounds the same: what an IME produces, not another name."""
    return len(alias) == len(title) and sum(a != b for a, b in zip(alias, title)) == 1 and homophones(alias, title)


def test_typo_recognizes_the_aliases_the_issue_removed() -> None:
    assert typo("移清服务", "移情服务") and typo("马斯落", "马斯洛")
    assert not typo("共情服务", "移情服务") and not typo("移情服务", "移情服务")


def test_no_alias_is_a_typo_of_its_entrys_title(kb: KnowledgeBase) -> None:
    """Typos are read by sound; an alias that is one would hide that reading and never generalize."""
    typos = [
        f"{entry.path}: alias {alias} is a homophone typo of the title {entry.meta.title}"
        for entry in kb.entries.values()
        for alias in entry.meta.aliases
        if typo(normalize(alias), normalize(entry.meta.title))
    ]
    assert typos == []


def test_every_synonym_stands_for_a_word_the_knowledge_base_uses(kb: KnowledgeBase) -> None:
    # a section heading is a word the knowledge base uses too (summary → 总结, the heading of five entries)
    text = normalize("\n".join(f"{p.title}\n{p.section}\n{p.text}" for p in kb.passages))
    assert sorted({t for t in kb.vocabulary.synonyms.values() if normalize(t) not in text}) == []


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("客户情叙管理有哪些策略", "客户情绪管理"),
        ("客户情感须求", "客户情感需求"),
        ("服务质量五纬度", "服务质量五维度"),
        ("移清服务是什么", "移情服务"),
        ("SERVQUAL 里的 responsiveness 指啥", "响应性"),
    ],
)
def test_the_issues_typos_and_english_words_read_as_names_of_the_knowledge_base(
    reader: Reader, said: str, meant: str
) -> None:
    reading = reader.read(said)
    assert meant in reading.understood
    assert meant in [m.term for m in reading.fuzzy]


def test_traditional_characters_read_as_the_name_itself(reader: Reader) -> None:
    reading = reader.read("客戶情緒管理有哪些策略？")
    assert reading.simplified and reading.fuzzy == []
    assert [m.term for m in reading.matches] == ["客户情绪管理"]


@pytest.mark.parametrize("text", ["事实是什么", "数据实时更新", "逢年过节想给老客户发条消息 说点啥", "sympathy"])
def test_ordinary_words_stay_as_typed(reader: Reader, text: str) -> None:
    assert reader.read(text).fuzzy == []
