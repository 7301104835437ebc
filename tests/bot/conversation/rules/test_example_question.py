"""example_question: a message that is a section's example question goes to that section, as the
trainer put it there, whatever kind the intent guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Request
from bot.conversation.rules.base import Decided, Passed
from bot.conversation.rules.example_question import ExampleQuestion, question_key
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.retrieval.search import Retriever
from tests.bot.conversation.rules.conftest import CEM, edited_kb

RULE = ExampleQuestion()
QUESTION = "心里不痛快的客户咋整"


@pytest.fixture(scope="module")
def attached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, Retriever]:
    """The fixture knowledge base with QUESTION attached to 客户情绪管理's 定义."""

    def attach(knowledge: Path) -> None:
        entry = knowledge / "concepts" / "customer-emotion-management.md"
        text = entry.read_text(encoding="utf-8")
        entry.write_text(
            text.replace("sources: []\n", f"sources: []\nquestions:\n  定义: [{QUESTION}]\n", 1), encoding="utf-8"
        )

    retriever, index = edited_kb(tmp_path_factory.mktemp("example"), attach)
    return index, retriever


def evidence(attached: tuple[Index, Retriever], text: str, kinds: list[str]) -> Evidence:
    index, retriever = attached
    request = Request(text, "ask_strategy", kinds, [], None)
    return Evidence(request, index, retriever, PolicySettings(), Trace(text))


def test_the_example_question_decides_over_the_kind_asked(attached) -> None:
    outcome = RULE.decide(evidence(attached, QUESTION, ["实施策略"]))
    assert isinstance(outcome, Decided)
    assert [p.id for p in outcome.decision.passages] == [f"{CEM}#定义"]
    assert outcome.evidence == {"passage": f"{CEM}#定义"}


def test_punctuation_script_and_spaces_do_not_matter(attached) -> None:
    outcome = RULE.decide(evidence(attached, "心裡不痛快的 客户，咋整？", ["实施策略"]))
    assert isinstance(outcome, Decided) and outcome.evidence == {"passage": f"{CEM}#定义"}


def test_a_near_wording_is_left_to_retrieval(attached) -> None:
    outcome = RULE.decide(evidence(attached, "心里不痛快的客户咋整呢该", ["实施策略"]))
    assert isinstance(outcome, Passed) and outcome.reason == "the message is no section's example question"


def test_a_message_without_a_subject_of_its_own_continues_its_conversation(attached) -> None:
    outcome = RULE.decide(evidence(attached, "有哪些案例", ["案例"]))
    assert isinstance(outcome, Passed) and outcome.reason == "the message has no subject of its own"


def test_the_key_drops_script_case_spaces_and_punctuation() -> None:
    assert question_key("  What IS 移情服務？") == "whatis移情服务"
