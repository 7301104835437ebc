"""fact_question: a price, rule or quantity about what the knowledge base never mentions is not
found, even beside the name of an entry; one whose every word is ours goes on."""

from __future__ import annotations

from tests.bot.conversation.rules.conftest import HUAWEI, step


def test_a_price_beside_an_entrys_name_is_not_found(chain) -> None:
    """华为 names the case; 服务器 and its price are nowhere in the knowledge base."""
    decision, trace = chain("ask_case", "华为的服务器一个月怎么收费", topics=(HUAWEI,))
    assert decision.status == "not_found"
    assert trace.decided_by == "fact_question"
    assert "named_entry" not in [s.rule for s in trace.steps]


def test_a_quantity_asked_in_our_own_words_goes_on(chain) -> None:
    decision, trace = chain("ask_case", "华为云服务的满意度调查多久做一次", topics=(HUAWEI,))
    assert step(trace, "fact_question").reason == "the knowledge base mentions all the question is about"
    assert trace.decided_by == "named_entry"


def test_english_words_beside_a_name_are_no_other_subject(chain) -> None:
    """Staff mix in English for our own concepts: "case" is 案例, not a thing we never mention."""
    decision, trace = chain("ask_case", "华为有好的case可以参考吗", topics=(HUAWEI,))
    assert step(trace, "fact_question").reason == "the knowledge base mentions all the question is about"
    assert decision.status == "answer"


def test_the_people_served_and_the_cues_own_words_are_no_other_subject(chain) -> None:
    """ "能用在会员身上吗": 会员 is whom staff serve, 能用 the cue 能…吗 itself; nothing else is asked."""
    decision, trace = chain("ask_application", "客户情绪管理能用在会员身上吗", topics=())
    assert step(trace, "fact_question").outcome == "passed"
