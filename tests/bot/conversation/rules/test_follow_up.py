"""follow_up: a short message naming a part of the context gets that part, never a look-alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.planning import Context
from bot.conversation.rules.follow_up import asks_why_someone
from bot.indexing.store import Index
from bot.retrieval.search import Retriever
from tests.bot.conversation.rules.conftest import (
    AFTER_CASE,
    CEM,
    DEFINED,
    HUAWEI,
    appended,
    decided,
    edited_kb,
    ids,
    step,
)

STRATEGIES_SHOWN = Context(topic=CEM, last_kind="定义", last_passages=[f"{CEM}#定义"])


def test_a_subsection_named_by_a_word(chain) -> None:
    decision, trace = chain("inform", "银行那块呢", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#应用 · 银行"]


def test_an_item_of_a_list_named_by_its_words(chain) -> None:
    """The known_item rule finds the one item of that name first; the follow-up would answer alike."""
    decision, trace = chain("inform", "情感共鸣呢", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#实施策略"]
    assert decision.excerpt == "- **情感共鸣**：用带温度的语言表达理解，拉近与客户的距离。"
    assert trace.decided_by == "known_item"


def test_an_item_shares_one_word_with_another_lists_item_is_not_that_item(chain) -> None:
    """情绪调节 (a strategy) is cut 情绪 + 调节; 积极情绪 (a class) says 情绪 too, but is not it."""
    decision, trace = chain("ask_strategy", "情绪调节具体怎么做", STRATEGIES_SHOWN, context_margin=10.0)
    assert decision.excerpt != "- **积极情绪**：满意、惊喜、感激，应当及时强化。"
    assert decision.passage.id == f"{CEM}#实施策略"
    assert trace.decided_by == "known_item"  # the one item called 情绪调节, whatever words it shares


def test_a_relation_asked_gets_the_passage_that_says_the_messages_own_word(chain) -> None:
    """The definition never says 焦躁; the context's passage that does answers "…有什么联系"."""
    decision, trace = chain("ask_comparison", "这和排队时候的焦躁有什么联系吗", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#应用 · 银行"]
    assert step(trace, "follow_up").reason == "the context's passage that says the message's own words"


def test_a_word_a_passage_says_by_chance_does_not_outrank_the_kind_asked(chain) -> None:
    """平复 is said only by the strategies, but retrieval ranks the 重要性 asked above them: 为啥有好处
    asks why, and the strategies say 平复 in passing."""
    decision, trace = chain("ask_importance", "这么做为啥有好处 能平复吗", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#重要性"]
    assert step(trace, "follow_up").reason == "the context's section of the kind asked"


def test_a_kind_asked_in_everyday_words_continues_the_context(chain) -> None:
    """事儿 is no word of ours, but the message names nothing new: it asks the context for a case."""
    decision, trace = chain("ask_case", "有没有真事儿的例子", DEFINED, context_margin=10.0)
    assert step(trace, "follow_up").reason != "the knowledge base knows none of the message's words"
    decision, trace = chain("ask_strategy", "电脑坏了怎么办", DEFINED, context_margin=10.0)  # a new situation
    assert step(trace, "follow_up").reason == "the knowledge base knows none of the message's words"


def test_a_message_that_names_nothing_continues_the_context(chain) -> None:
    """几步 and 走 are no words of ours, but there is no noun in 具体分几步走: it asks about the context."""
    decision, trace = chain("ask_components", "具体分几步走", DEFINED, context_margin=10.0)
    assert step(trace, "follow_up").reason != "the knowledge base knows none of the message's words"


def test_a_word_most_passages_use_names_no_item(chain) -> None:
    """客户 is in most passages and in list items of the case's context; 「后来那个客户怎么样了」 asks
    how the case ended, not for the item that happens to say 客户."""
    decision, trace = chain("ask_more", "后来那个客户怎么样了", AFTER_CASE, context_margin=10.0)
    assert step(trace, "follow_up").reason != "names an item of a list in the context"
    assert ids(decision) == [f"{HUAWEI}#成效"]


def test_a_part_of_the_case_asked_for_our_industry_stays_with_the_case(chain) -> None:
    """ "对我们酒店有啥作用" after a cloud-service case: its outcome, not a hotel case."""
    decision, trace = chain("inform", "对我们酒店有啥作用", AFTER_CASE, industries=("酒店",), context_margin=10.0)
    assert step(trace, "follow_up").outcome == "decided"
    assert ids(decision) == [f"{HUAWEI}#成效"]


#: After 《客户情绪管理》· 应用 · 银行.
BANK_APPLICATION = Context(topic=CEM, last_kind="应用", industry="银行", last_passages=[f"{CEM}#应用 · 银行"])


def test_another_industry_named_gets_the_same_kind_in_it(chain) -> None:
    """ "那酒店咋做": 咋做 cues the strategy, but the message moves the last answer to another industry."""
    decision, trace = chain("ask_strategy", "那酒店咋做", BANK_APPLICATION, industries=("酒店",))
    assert ids(decision) == [f"{CEM}#应用 · 酒店"]
    assert trace.decided_by == "follow_up"
    assert step(trace, "follow_up").reason == "the same kind of section in the industry named"


def test_without_an_industry_answer_before_the_kind_asked_decides(chain) -> None:
    decision, trace = chain("ask_strategy", "那酒店咋做", DEFINED, industries=("酒店",))
    assert step(trace, "follow_up").reason != "the same kind of section in the industry named"


def add_retail(knowledge: Path) -> None:
    """An overview under 应用 and an application in 零售, an industry of the whole entry too."""
    path = knowledge / "concepts" / "customer-emotion-management.md"
    retail = "### 零售\n门店店员遇到退货的顾客，先听完顾客的不满，再说明可以怎么处理。\n\n## 重要性\n"
    text = path.read_text(encoding="utf-8").replace("## 重要性\n", retail, 1)
    text = text.replace("## 应用\n", "## 应用\n客户情绪管理在各个行业都用得上。\n\n", 1)  # an overview
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def with_retail(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, Index]:
    return edited_kb(tmp_path_factory.mktemp("retail"), add_retail)


def test_the_industry_named_gets_its_own_subsection_not_the_overview(with_retail) -> None:
    retriever, index = with_retail
    assert "零售" in index.passage(f"{CEM}#应用").industries  # the overview is the whole entry's, 零售 included
    decision, _ = decided(retriever, index, "ask_strategy", "那零售咋做", BANK_APPLICATION, industries=("零售",))
    assert ids(decision) == [f"{CEM}#应用 · 零售"]


def test_a_follow_up_by_the_classifiers_guess_is_weighed_by_its_own_words(chain) -> None:
    """ "那工资呢" was taken for a follow-up (inform), but 工资 is no word of ours: not the context's."""
    decision, trace = chain("inform", "那工资呢", DEFINED, context_margin=10.0)
    assert step(trace, "follow_up").reason == "the knowledge base knows none of the message's words"
    assert decision.status == "not_found"


def test_one_everyday_word_with_a_kind_the_classifier_heard_continues_the_conversation(chain) -> None:
    """ "图个啥名堂": 名堂 is no word of ours, but one everyday word with the importance asked
    (ask_importance) names nothing new: the context's 重要性 answers it."""
    decision, trace = chain("ask_importance", "图个啥名堂", DEFINED)
    assert trace.decided_by == "follow_up"
    assert [p.id for p in decision.passages] == [f"{CEM}#重要性"]


def test_most_of_another_entrys_title_moves_on(chain) -> None:
    """ "确认理论怎么用" after 客户情绪管理: 确认理论 is of one title only (期望确认理论), which ranks
    near the top: the message names that entry in its own words, it does not continue the context."""
    decision, trace = chain("ask_strategy", "确认理论怎么用", DEFINED)
    assert step(trace, "follow_up").reason == "moved on: it says most of another entry's title"
    assert step(trace, "follow_up").evidence == {"entry": "expectation-confirmation-theory"}
    assert all(p.entry_id != CEM for p in decision.passages)


STEPS_SHOWN = Context(topic=CEM, last_kind="实施策略", last_passages=[f"{CEM}#实施策略"])


def test_a_why_asks_something_else_than_the_passage_just_shown(chain) -> None:
    """The classifier hears strategy in 「客户凭啥这样」 after the steps: not the steps again."""
    decision, trace = chain("ask_strategy", "客户凭啥这样", STEPS_SHOWN, context_margin=10.0)
    assert trace.decided_by == "follow_up"
    assert decision.passage.entry_id == CEM and decision.passage.id != f"{CEM}#实施策略"
    decision, trace = chain("ask_strategy", "具体还能怎么做", STEPS_SHOWN, context_margin=10.0)
    assert decision.passage.id == f"{CEM}#实施策略"  # no why: the kind asked, shown or not


def test_why_someone_acts_so_gets_the_cause_in_the_contexts_opening(chain) -> None:
    """「客户凭啥这样」 after the steps asks the cause, which the definition gives, whatever kind the
    classifier guessed; the trace says the kind looked for."""
    decision, trace = chain("ask_strategy", "客户凭啥这样", STEPS_SHOWN, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#定义"]
    assert step(trace, "follow_up").evidence["kinds"] == ["定义"]
    decision, _ = chain("ask_strategy", "客户凭啥这样", DEFINED, context_margin=10.0)
    assert decision.passage.id != f"{CEM}#定义"  # the cause was just shown: something else of the context


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("他火气咋这么大啊", True),
        ("其实也就等了一会 她为啥就是不直说", True),
        ("客户凭什么这样", True),
        ("为啥先让他把话说完", False),  # our step; him named after the why-word
        ("同事为啥老是请假", False),  # staff, not a customer
        ("他火气很大", False),  # asks no why
    ],
)
def test_asks_why_someone(kb_index: Index, text: str, expected: bool) -> None:
    assert asks_why_someone(text, kb_index.routing) is expected


def test_a_follow_up_the_classifier_could_not_place_asking_how_gets_the_steps(chain) -> None:
    """怎么 and a verb ask how to do something: the steps, not the last answer's kind carried over."""
    decision, _ = chain("nlu_fallback", "那怎么减轻客户的这种情绪", DEFINED)
    assert decision.passage.id == f"{CEM}#实施策略"


#: A passage elsewhere that says a case's outcome cue (反应) and 之后 over and over.
REACTIONS = "\n## 挑战\n服务结束之后，员工要留意客户的反应：客户之后的反应和口碑说明服务是否到位。\n"


@pytest.fixture(scope="module")
def with_reactions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, Index]:
    return edited_kb(tmp_path_factory.mktemp("reactions"), appended("concepts/customer-emotional-needs.md", REACTIONS))


@pytest.mark.parametrize("text", ["这么做之后客户啥反应", "那之后口碑咋样"])
def test_a_cue_of_the_cases_outcome_and_a_time_word_are_no_words_of_a_new_subject(with_reactions, text) -> None:
    """反应 asks a case's outcome, 之后 says when: neither is a subject that moved on, however well
    the passage elsewhere that repeats them ranks."""
    retriever, index = with_reactions
    decision, trace = decided(retriever, index, "inform", text, AFTER_CASE)
    assert trace.decided_by == "follow_up"
    assert ids(decision) == [f"{HUAWEI}#成效"]


def test_a_word_of_the_passage_elsewhere_still_moves_on(with_reactions) -> None:
    retriever, index = with_reactions
    decision, trace = decided(retriever, index, "inform", "服务结束要留意啥", AFTER_CASE)
    assert step(trace, "follow_up").reason == "moved on: its own words fit a passage elsewhere better"
    assert ids(decision) == ["customer-emotional-needs#挑战"]
