import pytest

from bot.conversation.planning import INTENT_KINDS, Context, Request, Turn, ordinal, plan_turn, is_elliptical
from bot.knowledge.entries import load_knowledge

from tests.conftest import ROOT

THEORIES = ["依恋理论", "社会交换理论", "社会认同理论"]


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    return {p.entry_id: p.title for p in load_knowledge(ROOT / "knowledge").passages}


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
        ("那第五类呢", 5),
        ("什么是移情服务", None),
        ("二个理论", None),  # no 第
        ("第几个", None),
        ("", None),
    ],
)
def test_ordinal(text: str, number: int | None) -> None:
    assert ordinal(text) == number


def test_ordinal_compound_chinese_numeral() -> None:
    assert ordinal("第十二个") == 12


def test_third_party_is_not_an_item_reference() -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="实施策略", last_items=["情绪识别", "情绪调节", "情感共鸣"])
    request = plan_turn(Turn("ask_strategy", "第三方平台上的差评怎么处理"), ctx, {})
    assert request.item is None


def test_fresh_definition_question(titles: dict[str, str]) -> None:
    turn = Turn(intent="ask_definition", text="什么是移情服务", topics=["empathy-service"])
    assert plan_turn(turn, Context(), titles) == Request(
        query="什么是移情服务", kinds=["定义"], topics=["empathy-service"], industry=None
    )


def test_fresh_question_without_topic_or_context(titles: dict[str, str]) -> None:
    request = plan_turn(Turn(intent="ask_strategy", text="怎么安抚生气的客户"), Context(), titles)
    assert request == Request(query="怎么安抚生气的客户", kinds=["实施策略"], topics=[], industry=None)


def test_case_request_takes_topic_from_context(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="定义", last_question="什么是客户情绪管理")
    request = plan_turn(Turn(intent="ask_case", text="举个例子", elliptical=True), ctx, titles)
    assert request.topics == ["customer-emotion-management"]
    assert request.query == "客户情绪管理 举个例子"
    assert request.kinds == ["案例"]
    assert request.industry is None
    assert request.exclude == [] and request.item is None


def test_case_request_keeps_the_industry_of_the_context(titles: dict[str, str]) -> None:
    ctx = Context(topic="empathy-service", industry="医疗", last_kind="应用")
    request = plan_turn(Turn(intent="ask_case", text="有案例吗", elliptical=True), ctx, titles)
    assert request.industry == "医疗"
    assert request.query == "移情服务 有案例吗 医疗"


def test_industry_follow_up_after_an_application_answer(titles: dict[str, str]) -> None:
    ctx = Context(topic="emotional-service-experience", industry="银行", last_kind="应用")
    request = plan_turn(Turn(intent="inform", text="那酒店呢", industries=["酒店"]), ctx, titles)
    assert request == Request(
        query="情感服务体验 那酒店呢 应用", kinds=["应用"], topics=["emotional-service-experience"], industry="酒店"
    )


def test_industry_follow_up_spells_out_a_canonical_name_the_text_lacks(titles: dict[str, str]) -> None:
    """The user said 医院; retrieval also gets the canonical 医疗 and the kind."""
    ctx = Context(topic="empathy-service", last_kind="案例")
    request = plan_turn(Turn(intent="inform", text="那医院呢", industries=["医疗"]), ctx, titles)
    assert request.query == "移情服务 那医院呢 医疗 案例"
    assert request.kinds == ["案例"]
    assert request.industry == "医疗"


def test_industry_follow_up_after_a_definition_asks_for_applications(titles: dict[str, str]) -> None:
    ctx = Context(topic="empathy-service", last_kind="定义")
    request = plan_turn(Turn(intent="inform", text="那医院呢", industries=["医疗"]), ctx, titles)
    assert request.kinds == ["应用", "案例"]
    assert request.query == "移情服务 那医院呢 医疗 应用"


def test_ordinal_refers_to_an_item_of_the_last_answer(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotional-needs", industry="银行", last_kind="理论基础", last_items=THEORIES)
    request = plan_turn(Turn(intent="ask_definition", text="第二个理论具体讲什么"), ctx, titles)
    assert request.item == "社会交换理论"
    assert request.query == "社会交换理论 第二个理论具体讲什么"
    assert request.kinds == ["定义"]
    assert request.topics == [] and request.industry is None


def test_ordinal_with_a_follow_up_intent_asks_for_the_definition(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotional-needs", last_kind="理论基础", last_items=THEORIES)
    request = plan_turn(Turn(intent="inform", text="第3个呢"), ctx, titles)
    assert (request.item, request.kinds) == ("社会认同理论", ["定义"])


def test_ordinal_out_of_range_is_an_ordinary_follow_up(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotional-needs", last_kind="理论基础", last_items=THEORIES)
    request = plan_turn(Turn(intent="inform", text="第五个呢"), ctx, titles)
    assert request.item is None
    assert request.query == "客户情感需求 第五个呢 理论基础"
    assert request.topics == ["customer-emotional-needs"]


def test_ask_more_excludes_the_passages_already_shown(titles: dict[str, str]) -> None:
    shown = ["empathy-service#案例", "luxury-hotel-empathy-service#做法"]
    ctx = Context(topic="empathy-service", industry="酒店", last_kind="案例", last_passages=shown)
    request = plan_turn(Turn(intent="ask_more", text="还有吗"), ctx, titles)
    assert request.exclude == shown
    assert request.exclude is not ctx.last_passages  # a copy: the context stays as it was
    assert request == Request(
        query="移情服务 还有吗 酒店 案例", kinds=["案例"], topics=["empathy-service"], industry="酒店", exclude=shown
    )


def test_only_ask_more_excludes(titles: dict[str, str]) -> None:
    ctx = Context(topic="empathy-service", last_kind="案例", last_passages=["empathy-service#案例"])
    assert plan_turn(Turn(intent="inform", text="那酒店呢", industries=["酒店"]), ctx, titles).exclude == []


def test_a_topic_named_in_the_turn_overrides_the_context(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotion-management", industry="零售", last_kind="定义")
    turn = Turn(intent="ask_application", text="移情服务怎么用", topics=["empathy-service"])
    request = plan_turn(turn, ctx, titles)
    assert request.topics == ["empathy-service"]
    assert request.query == "移情服务怎么用"  # the turn names its topic: the context title is not prepended
    assert request.kinds == ["应用", "案例"]
    assert request.industry is None  # the industry belonged to the old topic


def test_application_question_without_topic_keeps_context_industry(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotion-management", industry="零售", last_kind="定义")
    request = plan_turn(Turn(intent="ask_application", text="怎么用", elliptical=True), ctx, titles)
    assert (request.topics, request.industry, request.query) == (
        ["customer-emotion-management"], "零售", "客户情绪管理 怎么用 零售"
    )


def test_new_question_kind_does_not_inherit_the_industry(titles: dict[str, str]) -> None:
    ctx = Context(topic="empathy-service", industry="医疗", last_kind="应用")
    request = plan_turn(Turn(intent="ask_importance", text="为什么重要", elliptical=True), ctx, titles)
    assert request == Request(query="移情服务 为什么重要", kinds=["重要性"], topics=["empathy-service"], industry=None)


def test_comparison_keeps_both_topics(titles: dict[str, str]) -> None:
    turn = Turn(intent="ask_comparison", text="移情服务和客户情绪管理有什么区别",
                topics=["empathy-service", "customer-emotion-management"])
    request = plan_turn(turn, Context(topic="servqual"), titles)
    assert request.topics == ["empathy-service", "customer-emotion-management"]
    assert request.kinds == ["定义"]


def test_unknown_context_topic_is_not_spelled_out() -> None:
    request = plan_turn(Turn(intent="ask_case", text="举个例子", elliptical=True), Context(topic="removed-entry"), {})
    assert (request.query, request.topics) == ("举个例子", ["removed-entry"])


def test_follow_up_without_context_has_no_kind() -> None:
    assert plan_turn(Turn(intent="ask_more", text="还有吗"), Context(), {}) == Request(
        query="还有吗", kinds=[], topics=[], industry=None
    )


def test_every_intent_asks_for_known_kinds() -> None:
    from bot.knowledge.vocabulary import Vocabulary

    kinds = set(Vocabulary.load(ROOT / "knowledge" / "schema.yml").kinds)
    assert {k for ks in INTENT_KINDS.values() for k in ks} <= kinds


def test_a_new_question_does_not_inherit_the_previous_topic(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="实施策略")
    request = plan_turn(Turn(intent="ask_definition", text="尊重感需求指的是什么"), ctx, titles)
    assert request.topics == [] and request.query == "尊重感需求指的是什么"


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["例子"], True),  # 举个例子
        (["案例"], True),  # 有案例吗
        (["理论基础"], True),  # 它的理论基础是什么
        (["相关", "企业", "案例"], True),  # 有相关的企业案例吗
        ([], True),
        (["尊重感", "需求"], False),
        (["区块链", "服务", "用"], False),
    ],
)
def test_is_elliptical(tokens: list[str], expected: bool) -> None:
    assert is_elliptical(tokens) is expected


def test_an_item_of_a_case_list_is_asked_as_a_case(titles: dict[str, str]) -> None:
    ctx = Context(topic="customer-emotion-management", last_kind="案例",
                  last_items=["华为云服务的客户情绪管理", "Zappos的情感化服务"])
    request = plan_turn(Turn(intent="inform", text="第一个呢"), ctx, titles)
    assert (request.item, request.kinds) == ("华为云服务的客户情绪管理", ["案例"])
