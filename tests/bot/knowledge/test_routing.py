"""routing.yml: loading, validation errors that name the file and key, cue kinds and labels."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge.routing import Routing, RoutingError, domain_intents
from bot.knowledge.vocabulary import Vocabulary
from tests.conftest import KB

INTENTS = [
    "ask_definition",
    "ask_components",
    "ask_importance",
    "ask_theory",
    "ask_application",
    "ask_strategy",
    "ask_case",
    "ask_challenge",
    "ask_trend",
    "ask_comparison",
    "ask_more",
    "inform",
    "correct",
]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.load(KB / "schema.yml")


@pytest.fixture(scope="module")
def routing(vocabulary: Vocabulary) -> Routing:
    return Routing.load(KB / "routing.yml", vocabulary, INTENTS)


def edited(tmp_path: Path, change) -> Path:
    """A copy of the fixture routing.yml with `change(data)` applied."""
    data = yaml.safe_load((KB / "routing.yml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "routing.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_load(routing: Routing) -> None:
    assert routing.kinds_for("ask_case") == ["案例"]
    assert routing.kinds_for("ask_application") == ["应用", "案例"]
    assert routing.kinds_for("inform") == []  # follow-ups ask for no kind of their own
    assert (routing.roles.definition, routing.roles.cases, routing.roles.application) == ("定义", "案例", "应用")
    assert "举个例" in routing.cue_words


def test_kinds_for_returns_a_copy(routing: Routing) -> None:
    routing.kinds_for("ask_case").append("定义")
    assert routing.kinds_for("ask_case") == ["案例"]


def test_unknown_kind_names_file_and_key(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d["intent_kinds"].update(ask_trend=["趋势", "八卦"]))
    with pytest.raises(RoutingError, match=r"routing\.yml: intent_kinds\.ask_trend: unknown section kind '八卦'"):
        Routing.load(path, vocabulary, INTENTS)


def test_unknown_cue_kind_names_its_key(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d["kind_cues"].update(八卦=["听说"]))
    with pytest.raises(RoutingError, match=r"kind_cues\.八卦: unknown section kind"):
        Routing.load(path, vocabulary)


def test_unknown_intent_against_a_domain_file(tmp_path: Path, vocabulary: Vocabulary) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        "version: '3.1'\nintents:\n  - ask_definition\n  - inform:\n      use_entities: true\n", encoding="utf-8"
    )
    assert domain_intents(domain) == ["ask_definition", "inform"]
    path = edited(tmp_path, lambda d: d.update(intent_kinds={"ask_definition": ["定义"], "ask_gossip": ["定义"]}))
    with pytest.raises(RoutingError, match=r"routing\.yml: intent_kinds\.ask_gossip: unknown intent"):
        Routing.load(path, vocabulary, domain_intents(domain))
    assert Routing.load(path, vocabulary).kinds_for("ask_gossip") == ["定义"]  # no domain file: not checked


def test_no_domain_file_means_no_intent_check(tmp_path: Path) -> None:
    assert domain_intents(tmp_path / "missing.yml") is None


def test_label_without_title_placeholder(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d["suggestion_labels"]["case"].update(总结="看看启示"))
    with pytest.raises(RoutingError, match=r"routing\.yml: suggestion_labels\.case\.总结: .*\{title\}"):
        Routing.load(path, vocabulary)


def test_unknown_key_and_missing_role_are_errors(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d.update(kind_cue={}))
    with pytest.raises(RoutingError, match=r"routing\.yml: kind_cue"):
        Routing.load(path, vocabulary)
    path = edited(tmp_path, lambda d: d["roles"].pop("cases"))
    with pytest.raises(RoutingError, match=r"roles\.cases"):
        Routing.load(path, vocabulary)


def test_unreadable_yaml(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = tmp_path / "routing.yml"
    path.write_text("kind_cues: [unclosed\n", encoding="utf-8")
    with pytest.raises(RoutingError, match="cannot read routing"):
        Routing.load(path, vocabulary)


def test_kinds_in_follow_the_file_order(routing: Routing) -> None:
    # 案例 is listed before 定义 in kind_cues, whatever the order of the words in the question
    assert routing.kinds_in("什么是客户情绪管理？举个例子") == ["案例", "定义"]
    assert routing.kinds_in("有没有酒店的例子") == ["案例"]
    assert routing.kinds_in("客户情绪管理分为哪几类") == ["分类"]
    assert routing.kinds_in("今天天气不错") == []


def test_about_a_case_its_part_cues_come_before_the_kind_cues(routing: Routing) -> None:
    assert routing.kinds_in("银行为什么要定期回访VIP客户") == ["重要性"]
    assert routing.kinds_in("银行为什么要定期回访VIP客户", case=True) == ["定义", "重要性"]
    assert routing.kinds_in("这个案例体现了什么", case=True)[0] == "总结"
    assert routing.kinds_in("今天天气不错", case=True) == []
    assert routing.case_kinds_in("银行为什么要定期回访VIP客户") == ["定义"]


def test_case_cues_of_an_unknown_kind_are_refused(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d["case_cues"].update(八卦=["听说"]))
    with pytest.raises(RoutingError, match=r"case_cues\.八卦: unknown section kind"):
        Routing.load(path, vocabulary)


def test_kinds_in_reads_colloquial_question_words(routing: Routing) -> None:
    """啥 for 什么, 咋 for 怎么: no cue list needs a colloquial twin of each cue."""
    assert routing.kinds_in("客户情绪管理为啥要做") == routing.kinds_in("客户情绪管理为什么要做") != []
    assert routing.kinds_in("情绪调节具体咋做") == routing.kinds_in("情绪调节具体怎么做") != []


def test_cues_are_normalized(tmp_path: Path, vocabulary: Vocabulary) -> None:
    path = edited(tmp_path, lambda d: d["kind_cues"].update(案例=["ＣＡＳＥ", "  "]))
    routing = Routing.load(path, vocabulary)
    assert routing.kind_cues["案例"] == ["case"]
    assert routing.kinds_in("any Case?") == ["案例"]


def test_label_per_entry_type(routing: Routing) -> None:
    assert routing.label("案例", "客户情绪管理", entry_type="concept") == "客户情绪管理有哪些案例"
    assert routing.label("定义", "华为云服务", entry_type="case") == "华为云服务的背景"
    assert routing.label("定义", "期望确认理论", entry_type="theory") == "什么是期望确认理论"  # default group
    assert routing.label("案例", "华为云服务", entry_type="case") is None  # the case group has no such label


# --- situations and negations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "situation"),
    [
        ("顾客插队怎么办", True),
        ("客人插隊怎麼辦", True),  # Traditional characters
        ("逢年过节想给老客户发条消息 说点啥", True),
        ("客户骂人了该怎么回应", True),
        ("服务补救是什么意思", False),
        ("客户情绪管理有哪些策略", False),
    ],
)
def test_situation(routing: Routing, question: str, situation: bool) -> None:
    assert routing.situation(question) is situation


@pytest.mark.parametrize(
    ("question", "negated"),
    [
        ("别讲理论了", ["理论基础"]),  # a kind's name (schema.yml) after a negation
        ("別講理論了", ["理论基础"]),
        ("我要的是案例不是定义", ["定义"]),  # the kind asked for before it is not turned away; once only
        ("不要定义，要例子", ["定义"]),  # the negation ends with its clause
        ("不要定义 要例子", ["定义"]),
        ("不要 定义", ["定义"]),
        ("别举例子了，讲讲理论基础", ["案例"]),
        ("不用讲原因 直接告诉我现场怎么处理", []),
        ("不是问这个 我是想知道具体该怎么做", []),
        ("我要的是案例", []),
        ("客户情绪管理有哪些策略", []),
    ],
)
def test_negated_kinds(routing: Routing, question: str, negated: list[str]) -> None:
    assert routing.negated_kinds(question) == negated


def test_a_kind_named_too_far_after_a_negation_is_not_turned_away(routing: Routing) -> None:
    assert routing.negated_kinds("不要再啰啰嗦嗦讲定义") == []  # 定义 beyond NEGATION_REACH
    assert routing.negated_kinds("不要讲定义") == ["定义"]


def test_negated_clauses_end_at_the_clause(routing: Routing) -> None:
    assert routing.negated_clauses("别讲理论了，当主管的我能做点啥") == ["讲理论了"]
    assert routing.negated_clauses("别的办法呢") == []  # 别的: "other", no negation


def test_kind_names_come_from_the_vocabulary(routing: Routing, vocabulary: Vocabulary) -> None:
    assert routing.kind_names == vocabulary.section_kinds
    assert routing.kind_names["理论"] == "理论基础" and routing.kind_names["做法"] == "实施策略"


def test_situation_cues_and_negations_are_normalized(tmp_path: Path, vocabulary: Vocabulary) -> None:
    def change(data: dict) -> None:
        data.update(situation_cues=["怎麼辦", " ", "ＨＯＷ"], negations=["別", ""])

    routing = Routing.load(edited(tmp_path, change), vocabulary)
    assert (routing.situation_cues, routing.negations) == (["怎么办", "how"], ["别"])
    assert routing.situation("那怎么办") and routing.negated_kinds("别讲定义") == ["定义"]


def test_without_situation_cues_or_negations_nothing_is_either(tmp_path: Path, vocabulary: Vocabulary) -> None:
    routing = Routing.load(edited(tmp_path, lambda d: [d.pop("situation_cues"), d.pop("negations")]), vocabulary)
    assert not routing.situation("顾客插队怎么办")
    assert routing.negated_kinds("别讲理论了") == []


def test_situation_cues_must_be_a_list(tmp_path: Path, vocabulary: Vocabulary) -> None:
    with pytest.raises(RoutingError, match=r"routing\.yml: situation_cues"):
        Routing.load(edited(tmp_path, lambda d: d.update(situation_cues="怎么办")), vocabulary)


def test_kinds_named_by_their_names_and_heading_aliases(routing: Routing) -> None:
    assert routing.named_kinds("我想知道背后的理论") == ["理论基础"]
    assert routing.named_kinds("关键要素和案例分析") == ["构成要素", "案例"]  # the longest name wins
    assert routing.named_kinds("具体该怎么办") == []


def test_customers_are_the_people_who_are_no_staff(tmp_path: Path, vocabulary: Vocabulary) -> None:
    def change(data: dict) -> None:
        data.update(people=["顾客", "病人家属", "柜员", "员工"], staff=["柜员"], speaker="员工")
        data.update(people_endings=["客", "员", "叔"])

    routing = Routing.load(edited(tmp_path, change), vocabulary)
    assert routing.staff_words == ["员工", "柜员"]
    assert routing.customers == ["顾客", "病人家属"]
    assert routing.customer_endings == {"客", "叔"}  # 员 ends 柜员


def test_a_text_about_staff_names_them_at_least_as_often_as_customers(tmp_path: Path, vocabulary: Vocabulary) -> None:
    def change(data: dict) -> None:
        data.update(people=["客户", "病人", "病人家属", "员工"], staff=["员工", "服务人员"], speaker="员工")

    routing = Routing.load(edited(tmp_path, change), vocabulary)
    assert routing.speaks_of_staff("服务人员表现出的情感会传递到客户的体验上，员工需要支持")
    assert routing.speaks_of_staff("员工安抚病人家属")  # one each: 病人家属 is not also 家属, 病人
    assert not routing.speaks_of_staff("先倾听客户，再向客户道歉，服务人员要耐心")
    assert not routing.speaks_of_staff("先倾听客户，再道歉")
    assert not routing.speaks_of_staff("门店的装修风格")
