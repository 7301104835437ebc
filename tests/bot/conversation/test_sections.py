"""Sections of one entry: its definition, its opening, its section of a kind, its linked cases,
the line of its list that names an item; over the fixture knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.sections import (
    definition,
    is_case,
    item_line,
    linked_case,
    linked_cases,
    opening,
    says,
    says_more,
    section,
)
from bot.indexing.store import Index
from bot.retrieval.search import Hit
from tests.bot.conversation.rules.conftest import MEASURES, edited_kb

CEM = "customer-emotion-management"
NEEDS = "customer-emotional-needs"
HUAWEI = "huawei-cloud-service"
HOTEL = "hotel-welcome-gift"


def hits(index: Index, *ids: str) -> list[Hit]:
    """A ranking in the given order (scores descending)."""
    return [Hit(index.passage(pid), 1.0 - n / 10, 0.0, 0.0) for n, pid in enumerate(ids)]


def test_is_case(kb_index: Index) -> None:
    assert is_case(HUAWEI, kb_index) and is_case(HOTEL, kb_index)
    assert not is_case(CEM, kb_index) and not is_case("gone", kb_index)


def test_definition(kb_index: Index) -> None:
    assert definition(CEM, kb_index).id == f"{CEM}#定义"
    assert definition(HUAWEI, kb_index).id == f"{HUAWEI}#背景"  # 背景 is a 定义 heading (schema.yml)


def test_opening(kb_index: Index) -> None:
    assert opening(HUAWEI, kb_index, []).id == f"{HUAWEI}#背景"  # a case: its beginning
    assert opening(HUAWEI, kb_index, ["重要性"]).id == f"{HUAWEI}#成效"  # the part asked for
    assert opening(CEM, kb_index, []).id == f"{CEM}#定义"
    assert opening(CEM, kb_index, ["分类"]).id == f"{CEM}#分类"
    assert opening(CEM, kb_index, ["趋势"]).id == f"{CEM}#定义"  # a part it lacks


def test_section_of_the_first_kind_the_entry_has(kb_index: Index) -> None:
    assert section(CEM, ["案例", "实施策略", "分类"], None, kb_index, []).id == f"{CEM}#实施策略"
    assert section(CEM, ["案例", "趋势"], None, kb_index, []) is None
    assert section("gone", ["定义"], None, kb_index, []) is None


def test_section_prefers_the_industrys_subsection_then_the_ranking(kb_index: Index) -> None:
    bank, hotel = f"{CEM}#应用 · 银行", f"{CEM}#应用 · 酒店"
    assert section(CEM, ["应用"], "酒店", kb_index, hits(kb_index, bank, hotel)).id == hotel
    assert section(CEM, ["应用"], None, kb_index, hits(kb_index, hotel, bank)).id == hotel
    assert section(CEM, ["应用"], None, kb_index, hits(kb_index, bank, hotel)).id == bank
    assert section(CEM, ["应用"], "医疗", kb_index, hits(kb_index, hotel, bank)).id == hotel  # none has it


def test_section_skips_excluded_passages(kb_index: Index) -> None:
    bank, hotel = f"{CEM}#应用 · 银行", f"{CEM}#应用 · 酒店"
    assert section(CEM, ["应用"], "银行", kb_index, [], exclude=[bank]).id == hotel
    assert section(CEM, ["定义", "分类"], None, kb_index, [], exclude=[f"{CEM}#定义"]).id == f"{CEM}#分类"
    assert section(CEM, ["定义"], None, kb_index, [], exclude=[f"{CEM}#定义"]) is None


def test_says_counts_the_words_heading_and_text_say(kb_index: Index) -> None:
    bank = kb_index.passage(f"{CEM}#应用 · 银行")
    assert says(bank, ["柜员", "银行", "酒店"]) == 2  # 银行 is in the heading
    assert says(bank, ["员"]) == 0  # one character says nothing


def test_says_more_moves_to_the_passage_that_says_a_telling_word(kb_index: Index) -> None:
    steps, bank = kb_index.passage(f"{CEM}#实施策略"), f"{CEM}#应用 · 银行"
    assert says_more(CEM, ["柜员"], steps, kb_index, hits(kb_index, bank, steps.id)).id == bank


def test_says_more_keeps_the_kinds_section_when_it_says_a_word_or_retrieval_disagrees(kb_index: Index) -> None:
    steps, bank = kb_index.passage(f"{CEM}#实施策略"), f"{CEM}#应用 · 银行"
    assert says_more(CEM, ["柜员", "情绪识别"], steps, kb_index, hits(kb_index, bank, steps.id)) is None
    assert says_more(CEM, ["柜员"], steps, kb_index, hits(kb_index, steps.id, bank)) is None  # ranked below
    assert says_more(CEM, ["柜员"], steps, kb_index, []) is None  # not retrieved at all


def test_says_more_ignores_words_many_passages_use(kb_index: Index) -> None:
    """客户 is in most passages: saying it tells nothing about which section answers."""
    hotel, bank = kb_index.passage(f"{CEM}#应用 · 酒店"), f"{CEM}#应用 · 银行"
    assert "客户" not in hotel.text and "客户" in kb_index.passage(bank).text
    assert says_more(CEM, ["客户"], hotel, kb_index, hits(kb_index, bank, hotel.id)) is None
    assert says_more(CEM, ["客户", "焦躁"], hotel, kb_index, hits(kb_index, bank, hotel.id)).id == bank


def test_says_more_never_picks_a_story(kb_index: Index) -> None:
    """A case's words are its story's: 华为云服务's 做法 says 实时监控, a 成效 question stays 成效."""
    outcome, way = kb_index.passage(f"{HUAWEI}#成效"), f"{HUAWEI}#做法"
    assert "实时监控" in kb_index.passage(way).text
    assert says_more(HUAWEI, ["实时监控"], outcome, kb_index, hits(kb_index, way, outcome.id)) is None


def test_linked_cases_both_ways(kb_index: Index) -> None:
    assert linked_cases(CEM, kb_index) == {HUAWEI, HOTEL}  # it links to both
    assert linked_cases(NEEDS, kb_index) == set()  # it links to no case, none links to it
    assert linked_cases("gone", kb_index) == set()


def test_linked_case_best_ranked_first(kb_index: Index) -> None:
    assert linked_case(CEM, kb_index, hits(kb_index, f"{HOTEL}#做法", f"{HUAWEI}#背景")).id == f"{HOTEL}#背景"
    assert linked_case(CEM, kb_index, hits(kb_index, f"{HUAWEI}#成效", f"{HOTEL}#背景")).id == f"{HUAWEI}#背景"
    assert linked_case(CEM, kb_index, hits(kb_index, f"{HUAWEI}#成效"), exclude=[HUAWEI]).id == f"{HOTEL}#背景"
    assert linked_case(CEM, kb_index, [], exclude=[HUAWEI, HOTEL]) is None
    assert linked_case(NEEDS, kb_index, []) is None


def test_linked_case_without_a_ranking_is_still_one(kb_index: Index) -> None:
    assert linked_case(CEM, kb_index, []).entry_id in {HUAWEI, HOTEL}


LIST = """三种策略：
- **情绪识别**：留意客户的语气。
* 情绪调节: 平和沟通。
1. **情感共鸣**：表达理解。
2、文化建设：长期投入。
情绪识别不在列表里。"""


@pytest.mark.parametrize(
    ("item", "line"),
    [
        ("情绪识别", "- **情绪识别**：留意客户的语气。"),
        ("情绪调节", "* 情绪调节: 平和沟通。"),
        ("情感共鸣", "1. **情感共鸣**：表达理解。"),
        ("文化建设", "2、文化建设：长期投入。"),
        ("共鸣", "1. **情感共鸣**：表达理解。"),  # a part of the item's name
        ("情緒識別", "- **情绪识别**：留意客户的语气。"),  # Traditional characters
        ("语气", None),  # in a line's text, not its name
        ("三种策略", None),  # not a list line
        ("情绪", None),  # in two items' names: it names neither
        ("", None),
    ],
)
def test_item_line(item: str, line: str | None) -> None:
    assert item_line(LIST, item) == line


@pytest.fixture(scope="module")
def with_measures(tmp_path_factory: pytest.TempPathFactory) -> Index:
    """客户情绪管理 with a second section of its strategies, qualified (措施：事后回访), and a main
    section of its applications before the industries' subsections."""

    def add_measures(knowledge: Path) -> None:
        path = knowledge / "concepts" / "customer-emotion-management.md"
        text = path.read_text(encoding="utf-8").replace("## 应用\n", "## 应用\n各行各业的服务现场都用得上。\n", 1)
        path.write_text(text + MEASURES, encoding="utf-8")

    return edited_kb(tmp_path_factory.mktemp("measures"), add_measures)[1]


def scored(index: Index, *pairs: tuple[str, float]) -> list[Hit]:
    return [Hit(index.passage(pid), score, 0.0, 0.0) for pid, score in pairs]


def test_a_qualified_section_must_outscore_the_kinds_main_section_by_the_lead(with_measures: Index) -> None:
    main, measures = f"{CEM}#实施策略", f"{CEM}#措施 · 事后回访"
    near = scored(with_measures, (measures, 0.91), (main, 0.90))
    assert section(CEM, ["实施策略"], None, with_measures, near, lead=0.12).id == main
    assert section(CEM, ["实施策略"], None, with_measures, near).id == measures  # no lead: the better score
    far = scored(with_measures, (measures, 1.10), (main, 0.90))
    assert section(CEM, ["实施策略"], None, with_measures, far, lead=0.12).id == measures


def test_an_industrys_subsection_needs_no_lead(with_measures: Index) -> None:
    """应用：酒店 narrows 应用 to an industry: the better score decides, as without a lead."""
    main, hotel = f"{CEM}#应用", f"{CEM}#应用 · 酒店"
    assert with_measures.passage(main).industries  # the main section spans its subsections' industries
    near = scored(with_measures, (hotel, 0.91), (main, 0.90))
    assert section(CEM, ["应用"], None, with_measures, near, lead=0.12).id == hotel
