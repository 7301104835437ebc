"""follow_up: a short message naming a part of the context gets that part, never a look-alike."""

from __future__ import annotations

from bot.conversation.planning import Context
from tests.bot.conversation.rules.conftest import AFTER_CASE, CEM, DEFINED, HUAWEI, ids, step

STRATEGIES_SHOWN = Context(topic=CEM, last_kind="定义", last_passages=[f"{CEM}#定义"])


def test_a_subsection_named_by_a_word(chain) -> None:
    decision, trace = chain("inform", "银行那块呢", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#应用 · 银行"]


def test_an_item_of_a_list_named_by_its_words(chain) -> None:
    decision, trace = chain("inform", "情感共鸣呢", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#实施策略"]
    assert decision.excerpt == "- **情感共鸣**：用带温度的语言表达理解，拉近与客户的距离。"
    assert step(trace, "follow_up").reason == "names an item of a list in the context"


def test_an_item_shares_one_word_with_another_lists_item_is_not_that_item(chain) -> None:
    """情绪调节 (a strategy) is cut 情绪 + 调节; 积极情绪 (a class) says 情绪 too, but is not it."""
    decision, trace = chain("ask_strategy", "情绪调节具体怎么做", STRATEGIES_SHOWN, context_margin=10.0)
    assert decision.excerpt != "- **积极情绪**：满意、惊喜、感激，应当及时强化。"
    assert decision.passage.id == f"{CEM}#实施策略"
    assert trace.decided_by == "follow_up"


def test_a_relation_asked_gets_the_passage_that_says_the_messages_own_word(chain) -> None:
    """The definition never says 焦躁; the context's passage that does answers "…有什么联系"."""
    decision, trace = chain("ask_comparison", "这和排队时候的焦躁有什么联系吗", DEFINED, context_margin=10.0)
    assert ids(decision) == [f"{CEM}#应用 · 银行"]
    assert step(trace, "follow_up").reason == "the context's passage that says the message's own words"


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
