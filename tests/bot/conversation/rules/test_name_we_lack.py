"""name_we_lack: a question about a company the knowledge base never mentions is not found."""

from __future__ import annotations

import pytest

from tests.bot.conversation.rules.conftest import step

REASON = "asks about a name the knowledge base never mentions"


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_strategy", "迪士尼怎么安抚客户"),
        ("ask_strategy", "海底捞怎么做服务的"),
        ("ask_case", "胖东来怎么对待顾客"),  # the classifier's guess of a case question: still no case of it
        ("ask_importance", "那胖东来为啥口碑好"),
        ("ask_strategy", "迪士尼怎么安抚客户"),  # a situation's cue, but 迪士尼 is who acts
    ],
)
def test_a_question_about_a_company_we_lack_is_not_found(chain, intent: str, text: str) -> None:
    decision, trace = chain(intent, text)
    assert decision.status == "not_found" and trace.decided_by == "name_we_lack"
    assert step(trace, "name_we_lack").reason == REASON


@pytest.mark.parametrize(
    ("intent", "text", "reason"),
    [
        ("ask_case", "海底捞有什么案例", "asks for cases in words: the case rule offers the closest"),
        ("ask_strategy", "上海分行怎么提升客户满意度", "no name we lack is what the message is about"),
        ("ask_strategy", "新来的前台不会体谅客人 怎么带", "no name we lack is what the message is about"),
        (
            "ask_strategy",
            "宜家的顾客在店里吵起来怎么办",
            "a situation or an event at a place we lack: retrieval answers it",
        ),
    ],
)
def test_cases_asked_in_words_and_descriptions_are_left_to_other_rules(chain, intent, text, reason) -> None:
    decision, trace = chain(intent, text)
    outcome = step(trace, "name_we_lack")
    assert outcome is None or outcome.reason == reason
    assert trace.decided_by != "name_we_lack"
