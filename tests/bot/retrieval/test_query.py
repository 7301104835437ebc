"""Query analysis over the fixture term table and routing: names by longest match, industries, cue kinds."""

from __future__ import annotations

import pytest

from bot.knowledge.entries import load_knowledge
from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable
from bot.retrieval.query import QueryAnalysis, QueryAnalyzer, about_staff, asks_how_to
from bot.retrieval.segment import Segmenter
from tests.conftest import KB


@pytest.fixture(scope="module")
def routing() -> Routing:
    kb = load_knowledge(KB)
    return Routing.load(KB / "routing.yml", kb.vocabulary)


@pytest.fixture(scope="module")
def analyzer(routing: Routing) -> QueryAnalyzer:
    return QueryAnalyzer(TermTable.from_knowledge(load_knowledge(KB)), routing)


def test_definition_question(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("什么是客户情绪管理") == QueryAnalysis(
        topics=["customer-emotion-management"], kinds=["定义"]
    )


def test_application_in_an_industry_alias(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("客户情绪管理在医院怎么用") == QueryAnalysis(
        topics=["customer-emotion-management"], industries=["医疗"], kinds=["应用"]
    )


@pytest.mark.parametrize(
    ("question", "topics"),
    [
        # "情绪管理" (an alias) lies inside the title "客户情绪管理": one entry, counted once
        ("客户情绪管理有哪些策略", ["customer-emotion-management"]),
        ("情绪管理有哪些策略", ["customer-emotion-management"]),
        # "期望确认" (an alias) lies inside "期望确认理论"
        ("期望确认理论讲什么", ["expectation-confirmation-theory"]),
        # longest first, not in question order
        ("社会交换理论和期望确认有什么区别", ["social-exchange-theory", "expectation-confirmation-theory"]),
    ],
)
def test_longest_match_blanks_out_contained_names(analyzer: QueryAnalyzer, question: str, topics: list[str]) -> None:
    assert analyzer.analyze(question).topics == topics


def test_an_industry_word_inside_a_name_is_not_an_industry(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("酒店欢迎礼是怎么做的") == QueryAnalysis(
        topics=["hotel-welcome-gift"], industries=[], kinds=["实施策略"]
    )
    assert analyzer.analyze("客户情绪管理在酒店怎么用").industries == ["酒店"]


@pytest.mark.parametrize(
    "question", ["emotion management是什么", "EMOTION MANAGEMENT", "ＥＭＯＴＩＯＮ Ｍａｎａｇｅｍｅｎｔ"]
)
def test_names_match_whatever_case_and_width(analyzer: QueryAnalyzer, question: str) -> None:
    assert analyzer.analyze(question).topics == ["customer-emotion-management"]


def test_industry_aliases_are_deduplicated(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("医院和诊所的区别").industries == ["医疗"]
    assert sorted(analyzer.analyze("医院和诊所，还有宾馆").industries) == ["医疗", "酒店"]


def test_kinds_follow_the_routing_file_order(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("什么是社会交换理论？有哪些案例").kinds == ["案例", "定义"]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter([])


@pytest.mark.parametrize(
    ("question", "how_to"),
    [
        ("那怎么减轻员工的这种压力", True),
        ("同理心咋培养", True),
        ("怎样让客户觉得被重视", True),
        ("护士怎么跟病人沟通", True),  # a prepositional phrase before the verb
        ("怎么给一线减减压", True),
        ("投诉大多是怎么来的", False),  # where it comes from
        ("这个理论怎么理解", False),  # what it means
        ("服务效果怎么样", False),  # how it went
        ("反馈如何", False),  # no verb after the question word
        ("高端酒店是怎么做的", False),  # an account of what was done (the cue 怎么做 reads it)
        ("往后几年会怎么变", False),  # a forecast
    ],
)
def test_asks_how_to_needs_a_task_verb_after_the_question_word(
    segmenter: Segmenter, question: str, how_to: bool
) -> None:
    assert asks_how_to(segmenter.tagged(question)) is how_to


def test_a_how_to_question_naming_no_kind_asks_for_strategies(routing: Routing, segmenter: Segmenter) -> None:
    terms = TermTable.from_knowledge(load_knowledge(KB))
    with_grammar = QueryAnalyzer(terms, routing, segmenter)
    assert with_grammar.analyze("那怎么减轻员工的这种压力").kinds == ["实施策略"]
    assert with_grammar.analyze("怎么减轻压力有什么案例").kinds == ["案例"]  # a cue word comes first
    assert with_grammar.analyze("投诉大多是怎么来的").kinds == []
    assert with_grammar.analyze("移情服务在医院怎么推进").kinds == ["应用", "实施策略"]  # how it applies there
    assert QueryAnalyzer(terms, routing).analyze("那怎么减轻员工的这种压力").kinds == []


def test_question_without_names_or_cues(analyzer: QueryAnalyzer) -> None:
    assert analyzer.analyze("今天天气不错") == QueryAnalysis()


def test_longest_term_wins(routing: Routing) -> None:
    analyzer = QueryAnalyzer(TermTable({"移情": "a", "移情服务": "b"}, {"医院": "医疗", "医疗": "医疗"}), routing)
    analysis = analyzer.analyze("移情服务在医院和医疗机构")
    assert (analysis.topics, analysis.industries) == (["b"], ["医疗"])
    assert analyzer.analyze("移情和移情服务").topics == ["b", "a"]


def test_merged_keeps_order_and_removes_duplicates() -> None:
    first = QueryAnalysis(topics=["a", "b"], industries=["医疗"], kinds=["定义", "案例"])
    second = QueryAnalysis(topics=["b", "c"], industries=["酒店", "医疗"], kinds=["案例"])
    assert first.merged(second) == QueryAnalysis(
        topics=["a", "b", "c"], industries=["医疗", "酒店"], kinds=["定义", "案例"]
    )
    assert first.topics == ["a", "b"] and second.industries == ["酒店", "医疗"]  # neither operand changes
    assert QueryAnalysis().merged(first) == first and first.merged(QueryAnalysis()) == first


def test_a_situation_naming_no_kind_boosts_what_to_do(analyzer: QueryAnalyzer) -> None:
    situation = "顾客插队咋整"
    assert analyzer.analyze(situation).kinds == []  # the analysis says only what the message names
    assert analyzer.kinds_to_boost(situation, analyzer.analyze(situation)) == ["实施策略"]
    asked = "客户情绪管理有哪些案例"
    assert analyzer.kinds_to_boost(asked, analyzer.analyze(asked)) == ["案例"]
    assert analyzer.kinds_to_boost("客户情绪管理", analyzer.analyze("客户情绪管理")) == []


@pytest.mark.parametrize(
    ("message", "staff"),
    [
        ("今天被一个客户骂哭了 到现在手还在抖", True),  # a passive first: it happened to the asker
        ("我一碰到凶巴巴的客人就慌", True),
        ("天天接投诉 感觉自己越来越麻木", True),
        ("换个话题 我们组柜员最近都累得不行", True),
        ("还是说回新人 他们老被客户骂得很丧", True),
        ("客户一进门就骂骂咧咧 说上回的事没人管", False),  # a customer first: their situation
        ("凌晨有客人嫌隔壁吵 打电话到前台把我骂了一顿", False),  # 把我: the asker is the object
        ("我们网点来了个客户天天来闹", False),  # 我们网点: whose branch, not who
        ("他根本不让我插嘴", False),  # he, the customer, first
        ("移情服务", False),  # nobody
    ],
)
def test_about_staff_is_who_the_message_is_about_first(
    segmenter: Segmenter, routing: Routing, message: str, staff: bool
) -> None:
    assert about_staff(segmenter.tagged(message), routing.staff, routing.people) is staff


@pytest.mark.parametrize(
    ("message", "own_state"),
    [
        ("今天被一个客户骂哭了 到现在手还在抖", True),
        ("被客户骂哭了怎么办", False),  # a situation cue: what to do
        ("我被骂了有没有办法缓过来", False),  # it asks
        ("我天天对着病人 做什么都得赔着小心 整个人都空了", True),  # "whatever": it tells, asks nothing
        ("一个大叔说医生敷衍他 堵在门口不走", False),  # 大叔 (an ending of people, none of staff) first
        ("客户一进门就骂骂咧咧", False),
        ("客户情绪管理 前台茶水", False),  # names an entry: about it
    ],
)
def test_own_state_is_a_statement_about_staff(
    routing: Routing, segmenter: Segmenter, message: str, own_state: bool
) -> None:
    analyzer = QueryAnalyzer(TermTable.from_knowledge(load_knowledge(KB)), routing, segmenter)
    assert analyzer.analyze(message).own_state is own_state
