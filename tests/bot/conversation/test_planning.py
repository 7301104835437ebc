"""Turn planning: what a message asks, given what the last answer established (pure logic)."""

from __future__ import annotations

import pytest

from bot.conversation.planning import Context, Request, Turn, ordinal, plan_turn, referenced_item
from bot.knowledge.entries import load_knowledge
from bot.knowledge.routing import Routing
from bot.knowledge.terms import TermTable
from bot.retrieval.query import QueryAnalyzer
from bot.retrieval.segment import Segmenter
from tests.conftest import KB

STRATEGIES = ["情绪识别", "情绪调节", "情感共鸣"]


@pytest.fixture(scope="module")
def routing() -> Routing:
    return Routing.load(KB / "routing.yml", load_knowledge(KB).vocabulary)


@pytest.fixture(scope="module")
def terms() -> TermTable:
    return TermTable.from_knowledge(load_knowledge(KB))


@pytest.fixture(scope="module")
def analyzer(terms: TermTable, routing: Routing) -> QueryAnalyzer:
    return QueryAnalyzer(terms, routing)


@pytest.fixture(scope="module")
def names(terms: TermTable) -> dict[str, str]:
    return terms.topics


@pytest.fixture
def plan(analyzer: QueryAnalyzer, routing: Routing, names: dict[str, str]):
    def plan(turn: Turn, ctx: Context | None = None) -> Request:
        return plan_turn(turn, ctx or Context(), analyzer.analyze(turn.text), routing, entry_names=names)

    return plan


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("第二个", 2),
        ("第二个理论具体讲什么", 2),
        ("第2条", 2),
        ("第 3 点是什么意思", 3),
        ("第三种", 3),
        ("第两个", 2),
        ("第一家企业怎么做的", 1),
        ("第十项", 10),
        ("第12条", 12),
        ("第十二个", 12),
        ("第二十一条", 21),
        ("那第五类呢", 5),
        ("第三", 3),
        ("第三？", 3),
        ("第三方平台", None),
        ("第一时间", None),
        ("什么是客户情绪管理", None),
        ("二个理论", None),
        ("第几个", None),
        ("", None),
    ],
)
def test_ordinal(text: str, number: int | None) -> None:
    assert ordinal(text) == number


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("第二个呢", "情绪调节"),
        ("第3条", "情感共鸣"),
        ("第四个呢", None),
        ("第0个", None),
        ("情感共鸣具体怎么做", "情感共鸣"),
        ("ＩＴＥＭ呢", None),
        ("第三方平台的差评怎么处理", None),
    ],
)
def test_referenced_item(text: str, item: str | None) -> None:
    assert referenced_item(text, STRATEGIES) == item


def test_a_longer_message_names_an_item_by_two_pieces_only_it_has() -> None:
    items = ["客户需求的变化", "市场竞争的加剧", "技术的快速发展"]
    assert referenced_item("技术发展这一条到底应该怎么去应对", items) == "技术的快速发展"
    assert referenced_item("技术发展和需求变化这两条到底怎么应对", items) is None  # two items fit
    assert referenced_item("技术发展这一条到底应该怎么去应对", items, None) is None  # an industry was named


def test_item_by_name_prefers_the_longest_name() -> None:
    assert referenced_item("服务补救流程怎么做", ["服务补救", "服务补救流程"]) == "服务补救流程"
    assert referenced_item("Item B 呢", ["item b", "item"]) == "item b"  # case-insensitive


def test_a_fresh_question(plan) -> None:
    turn = Turn("ask_definition", "什么是客户情绪管理", topics=["customer-emotion-management"])
    assert plan(turn) == Request(
        text="什么是客户情绪管理",
        intent="ask_definition",
        kinds=["定义"],
        topics=["customer-emotion-management"],
        industry=None,
    )


def test_cue_words_come_before_the_intents_kinds(plan) -> None:
    assert plan(Turn("ask_strategy", "客户情绪管理有哪些案例")).kinds == ["案例", "实施策略"]
    assert plan(Turn("ask_components", "什么是客户情绪管理的要素")).kinds == ["构成要素", "定义", "分类", "特征"]
    assert plan(Turn("ask_case", "举个例子")).kinds == ["案例"]  # no duplicate


def test_a_situation_naming_no_kind_asks_what_to_do_whatever_the_intent_guessed(plan) -> None:
    assert plan(Turn("ask_case", "顾客满意度老是上不去咋整")).kinds == ["实施策略"]
    assert plan(Turn("ask_case", "客户发火咋整 有案例吗")).kinds == ["案例"]  # a kind it names stays
    assert plan(Turn("inform", "那酒店咋整")).intent == "inform"  # follow-ups keep their own reading


def test_a_statement_of_staffs_own_state_asks_for_no_kind_the_intent_guessed(
    routing: Routing, terms: TermTable, names: dict[str, str]
) -> None:
    analyzer = QueryAnalyzer(terms, routing, Segmenter([]))

    def kinds(text: str) -> list[str]:
        return plan_turn(
            Turn("ask_strategy", text), Context(), analyzer.analyze(text), routing, entry_names=names
        ).kinds

    assert kinds("今天被一个客户骂哭了 到现在手还在抖") == []
    assert kinds("客户一进门就骂骂咧咧") == ["实施策略"]  # a customer's situation: its steps
    assert kinds("被客户骂哭了 有什么案例") == ["案例", "实施策略"]  # it asks


def test_a_correction_describing_a_situation_asks_what_to_do_not_the_last_kind(plan) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="案例")
    request = plan(Turn("correct", "别讲理论了 平时我能做点啥"), ctx)
    assert (request.intent, request.kinds, request.negated) == ("correct", ["实施策略"], ["理论基础"])
    assert plan(Turn("correct", "不是这个意思"), ctx).kinds == ["案例"]  # naming nothing: the last kind


def test_topics_of_the_nlu_then_of_the_text(plan) -> None:
    turn = Turn("ask_comparison", "期望确认理论和客户情绪管理有什么区别", topics=["customer-emotion-management"])
    assert plan(turn).topics == ["customer-emotion-management", "expectation-confirmation-theory"]


def test_a_piece_of_an_item_is_no_pointer_in_a_message_naming_an_entry(plan) -> None:
    """期望确认理论 shares only 理论 with the listed 社会交换理论: it names an entry, no item."""
    ctx = Context(topic="customer-emotional-needs", last_kind="理论基础", last_items=["社会交换理论", "情感营销"])
    request = plan(Turn("ask_definition", "期望确认理论是干嘛的"), ctx)
    assert request.topics == ["expectation-confirmation-theory"] and request.item is None
    assert plan(Turn("ask_definition", "第一个是干嘛的"), ctx).item == "社会交换理论"


def test_a_piece_of_an_item_that_is_the_entry_named_points_at_it(plan) -> None:
    """华为 names the case entry 华为云服务, an item of the last list: the list stays walkable."""
    ctx = Context(topic="customer-emotion-management", last_kind="案例", last_items=["酒店欢迎礼", "华为云服务"])
    request = plan(Turn("ask_strategy", "华为那个后来咋样了"), ctx)
    assert (request.topics, request.item) == (["huawei-cloud-service"], "华为云服务")


def test_an_ordinal_points_at_an_item_of_the_last_answer(plan) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="实施策略", last_items=STRATEGIES)
    request = plan(Turn("inform", "第二个呢"), ctx)
    assert (request.item, request.kinds, request.topics) == ("情绪调节", ["实施策略"], [])


def test_an_item_named_in_the_question(plan) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="实施策略", last_items=STRATEGIES)
    assert plan(Turn("ask_strategy", "情感共鸣具体怎么做"), ctx).item == "情感共鸣"


def test_third_party_is_not_an_item_reference(plan) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="实施策略", last_items=STRATEGIES)
    assert plan(Turn("ask_strategy", "第三方平台上的差评怎么处理"), ctx).item is None


def test_no_items_no_reference(plan) -> None:
    assert plan(Turn("inform", "第二个呢"), Context(topic="customer-emotion-management")).item is None


@pytest.mark.parametrize("intent", ["inform", "ask_more"])
def test_a_follow_up_stays_in_the_industry(plan, intent: str) -> None:
    ctx = Context(topic="customer-emotion-management", industry="银行", last_kind="应用")
    request = plan(Turn(intent, "还有别的吗"), ctx)
    assert (request.industry, request.kinds) == ("银行", ["应用"])


def test_a_new_kind_of_question_leaves_the_industry(plan) -> None:
    ctx = Context(topic="customer-emotion-management", industry="银行", last_kind="应用")
    assert plan(Turn("ask_importance", "为什么重要"), ctx).industry is None


def test_a_follow_up_naming_an_entry_leaves_the_industry(plan) -> None:
    ctx = Context(topic="customer-emotion-management", industry="银行", last_kind="应用")
    request = plan(Turn("inform", "那期望确认理论呢"), ctx)
    assert (request.topics, request.industry) == (["expectation-confirmation-theory"], None)


def test_an_industry_named_replaces_the_contexts(plan) -> None:
    ctx = Context(topic="customer-emotion-management", industry="银行", last_kind="应用")
    assert plan(Turn("ask_more", "酒店还有吗"), ctx).industry == "酒店"


def test_that_industry_then_asks_for_applications_and_cases(plan) -> None:
    """ "那酒店呢" after a definition: how the topic plays out there, or its cases there."""
    ctx = Context(topic="customer-emotion-management", last_kind="定义")
    request = plan(Turn("inform", "那酒店呢", industries=["酒店"]), ctx)
    assert (request.kinds, request.industry) == (["应用", "案例", "定义"], "酒店")


def test_that_industry_keeps_a_kind_the_message_asks_for(plan) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="定义")
    assert plan(Turn("inform", "那酒店怎么用", industries=["酒店"]), ctx).kinds == ["应用"]
    # only inform reads a bare industry as "how there": a case question stays a case question
    assert plan(Turn("ask_case", "酒店有案例吗", industries=["酒店"]), ctx).kinds == ["案例"]


def test_a_follow_up_without_context_asks_for_no_kind(plan) -> None:
    assert plan(Turn("ask_more", "还有吗")) == Request(
        text="还有吗", intent="ask_more", kinds=[], topics=[], industry=None
    )


def test_context_is_the_topic_then_the_mentioned_entries(plan) -> None:
    ctx = Context(
        topic="customer-emotion-management",
        mentioned=["huawei-cloud-service", "customer-emotion-management", "hotel-welcome-gift"],
    )
    assert plan(Turn("ask_case", "举个例子"), ctx).context == [
        "customer-emotion-management",
        "huawei-cloud-service",
        "hotel-welcome-gift",
    ]
    assert plan(Turn("ask_case", "举个例子"), Context(mentioned=["huawei-cloud-service"])).context == [
        "huawei-cloud-service"
    ]
    assert plan(Turn("ask_case", "举个例子")).context == []


def test_only_ask_more_excludes_what_was_shown(plan) -> None:
    shown = ["customer-emotion-management#应用 · 银行"]
    ctx = Context(topic="customer-emotion-management", industry="银行", last_kind="应用", last_passages=shown)
    more = plan(Turn("ask_more", "还有吗"), ctx)
    assert more.exclude == shown and more.shown == shown
    assert more.exclude is not ctx.last_passages  # a copy: the context stays as it was
    other = plan(Turn("inform", "那酒店呢", industries=["酒店"]), ctx)
    assert other.exclude == [] and other.shown == shown


def test_follow_up_intents() -> None:
    assert Request("x", "inform", [], [], None).follow_up and Request("x", "ask_more", [], [], None).follow_up
    assert not Request("x", "ask_case", [], [], None).follow_up


def test_a_correction_may_call_the_kind_it_wants_by_name(plan) -> None:
    after_case = Context(topic="hotel-welcome-gift", last_kind="定义", last_passages=["hotel-welcome-gift#背景"])
    assert plan(Turn("correct", "不是问这个 我想知道背后的理论"), after_case).kinds == ["理论基础"]
    assert "理论基础" not in plan(Turn("correct", "别讲理论了 说说怎么做"), after_case).kinds
    # elsewhere a kind's name is often part of a title: only the cue words and the intent count
    assert plan(Turn("ask_definition", "期望确认理论是什么")).kinds == ["定义"]


@pytest.mark.parametrize(
    ("text", "item"),
    [("后一个在实际工作里咋用", "社会交换理论"), ("前者呢", "期望确认理论"), ("后面那个分几类", "社会交换理论")],
)
def test_former_or_latter_of_two(text: str, item: str) -> None:
    assert referenced_item(text, ["期望确认理论", "社会交换理论"]) == item


def test_former_or_latter_is_no_pointer_into_a_longer_list() -> None:
    assert referenced_item("后面那个呢", STRATEGIES) is None


def test_overlapping_pieces_are_one_part_of_a_name() -> None:
    """满意 and 意度 overlap in 满意度: one part of 顾客满意度理论, no pointer at it."""
    items = ["顾客满意度理论", "期望确认理论"]
    assert referenced_item("我们支行满意度排名倒数 有啥招", items) is None
    assert referenced_item("技术发展这一条怎么应对", ["技术的快速发展", "市场竞争的加剧"]) == "技术的快速发展"


def test_a_message_the_classifier_could_not_place_continues_the_answer_before_it(plan) -> None:
    request = plan(Turn("nlu_fallback", "这种累到底从哪来的"), Context(topic="customer-emotion-management"))
    assert (request.intent, request.overruled, request.continued) == ("inform", "nlu_fallback", True)


def test_without_an_answer_before_it_or_without_chinese_it_stays_not_understood(plan) -> None:
    assert plan(Turn("nlu_fallback", "这种累到底从哪来的")).intent == "nlu_fallback"
    assert (
        plan(Turn("nlu_fallback", "asdf qwer"), Context(topic="customer-emotion-management")).intent == "nlu_fallback"
    )


@pytest.mark.parametrize(
    ("text", "ctx", "first"),
    [
        ("华为为什么要做这件事", Context(), "定义"),  # a case's why: its background, not its importance
        ("为什么要这样做", Context(topic="huawei-cloud-service"), "定义"),  # the conversation's case
        ("华为这个案例体现了什么", Context(), "总结"),  # its lesson, not an application
    ],
)
def test_about_a_case_its_part_cues_come_first(analyzer, routing, names, text, ctx, first) -> None:
    turn = Turn("ask_importance", text)
    request = plan_turn(
        turn, ctx, analyzer.analyze(text), routing, entry_names=names, cases=frozenset({"huawei-cloud-service"})
    )
    assert request.kinds[0] == first


def test_about_a_concept_the_part_cues_of_cases_ask_nothing(analyzer, routing, names) -> None:
    text = "客户情绪管理为什么要做"
    turn = Turn("ask_importance", text)
    request = plan_turn(
        turn, Context(), analyzer.analyze(text), routing, entry_names=names, cases=frozenset({"huawei-cloud-service"})
    )
    assert request.kinds[0] == "重要性"
