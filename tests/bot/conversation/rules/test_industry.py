"""industry_follow_up, and clarify leaving it an industry asked of the conversation."""

from __future__ import annotations

from tests.bot.conversation.rules.conftest import THEORIES, step


def test_a_bare_industry_after_an_answer_is_no_choice_to_make(chain) -> None:
    """ "酒店的呢" after 客户情感需求 (no hotel content): the industry's application or case elsewhere."""
    decision, trace = chain("inform", "酒店的呢", THEORIES, industries=("酒店",))
    assert step(trace, "clarify").reason == "an industry asked of the conversation"
    assert trace.decided_by == "industry_follow_up"
    assert decision.status == "answer" and "酒店" in decision.passage.industries


def test_a_bare_industry_without_a_conversation_asks_which_entry(chain) -> None:
    decision, trace = chain("inform", "酒店的呢", industries=("酒店",))
    assert decision.status == "clarify" and trace.decided_by == "clarify"
