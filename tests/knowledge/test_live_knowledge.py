"""The live knowledge base (knowledge/) as trainers keep it: complete, lint-clean, recognizable.

Unit tests run on fixture knowledge bases; these check the real one, so a trainer's edit that
drops an entry or breaks a file fails here, with a message that says where.
"""

from __future__ import annotations

import pytest

from bot.indexing.nlu_export import entity_patterns
from bot.knowledge.entries import load_knowledge
from bot.knowledge.lint import lint
from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable
from tests.conftest import ROOT


def terms_of(folder):
    return TermTable.from_knowledge(load_knowledge(folder))


def test_real_knowledge_base_has_every_required_entry() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    titles = " ".join(e.meta.title + " " + " ".join(e.meta.aliases) for e in kb.entries.values())
    for name in [
        "情感服务体验",
        "移情服务",
        "客户情绪管理",
        "情感关系维系",
        "客户情感需求",
        "马斯洛需求层次理论",
        "期望确认理论",
        "情感劳动理论",
        "SERVQUAL",
        "KANO",
        "顾客满意度理论",
        "CRM",
        "依恋理论",
        "社会交换理论",
        "社会认同理论",
        "同理心理论",
        "客户体验理论",
        "社会互动理论",
        "情绪的心理学理论",
        "情感营销",
        "华为",
        "Zappos",
        "亚马逊",
        "苹果零售店",
        "星巴克",
        "银行误扣手续费",
        "银行客户分享会",
        "医院沟通能力培训",
    ]:
        assert name.lower() in titles.lower(), name
    types = {e.meta.type for e in kb.entries.values()}
    assert {"concept", "theory", "case"} <= types


def test_real_scenarios_are_in_their_folder_and_have_questions() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    scenarios = [e for e in kb.entries.values() if e.meta.type == "scenario"]
    assert len(scenarios) >= 5
    for entry in scenarios:
        assert entry.path.parts[0] == "scenarios", entry.path
        assert any(p.questions for p in entry.passages), entry.meta.id


def test_real_knowledge_base_lints_clean() -> None:
    problems = lint(ROOT / "knowledge")
    assert [str(p) for p in problems] == []


@pytest.fixture(scope="module")
def real_patterns() -> list[dict[str, str]]:
    return entity_patterns(terms_of(ROOT / "knowledge"))


def test_real_knowledge_patterns(real_patterns: list[dict[str, str]]) -> None:
    by_pattern = {p["pattern"]: (p["label"], p["id"]) for p in real_patterns}
    assert by_pattern["情感服务体验"] == ("topic", "emotional-service-experience")
    assert by_pattern["SERVQUAL"] == ("topic", "servqual")
    assert by_pattern["empathy service"] == ("topic", "empathy-service")
    assert by_pattern["医院"] == ("industry", "医疗")
    assert len({p["pattern"].lower() for p in real_patterns}) == len(real_patterns)


def test_no_alias_is_a_typo_of_its_entry() -> None:
    """Typos are read by the assistant itself (normalization.matching); none is kept as an alias."""
    typos = [str(p) for p in lint(ROOT / "knowledge") if "is a typo" in p.message]
    assert not typos, "\n".join(typos)


def test_every_synonym_stands_for_a_word_the_knowledge_base_uses() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    text = "\n".join(p.searchable_text for p in kb.passages)
    missing = sorted({term for term in kb.vocabulary.synonyms.values() if term not in text})
    assert not missing, f"schema.yml synonyms: {missing} occur in no entry"


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("押金几天到账", True),
        ("说话方式要换着来吗", False),  # an obligation asked yes or no may be about practice
        ("这个理论是哪一年提出的", True),  # a year, a country: facts the knowledge base holds none of
        ("是不是一定要先道歉", False),
        ("投诉处理有哪些步骤", False),
    ],
)
def test_real_routing_reads_rules_numbers_and_dates_as_facts(real_routing: Routing, question: str, asks: bool) -> None:
    """The fact cues are the trainers' to edit; these readings are what the fact rule relies on."""
    assert bool(real_routing.asks_fact(question)) is asks


@pytest.fixture(scope="module")
def real_routing() -> Routing:
    return Routing.load(ROOT / "knowledge" / "routing.yml", load_knowledge(ROOT / "knowledge").vocabulary)


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("依恋理论跟品牌有啥关系", ["应用"]),  # a theory related to a practice: its application says how
        ("情感劳动理论跟员工累垮有没有关系", ["应用"]),
        ("情感关系维系跟一锤子买卖有啥区别", []),  # a difference: the definitions, as the intent says
        ("客户关系管理理论讲的是什么", ["定义"]),  # 关系 in a name asks nothing
        ("客户当面发火一般是因为什么", ["定义"]),  # a cause: a scenario's overview, a case's background
        ("员工情感疲惫是咋来的", ["定义"]),
        ("跟客户讲清扣款原因要注意啥", []),  # the reason told to a customer is no cause asked
        ("为什么现在企业都在推移情服务", []),
    ],
)
def test_real_routing_reads_relations_as_the_application_and_causes_as_the_overview(
    real_routing: Routing, question: str, kinds: list[str]
) -> None:
    assert real_routing.kinds_in(question) == kinds
