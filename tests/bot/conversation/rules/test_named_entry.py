"""named_entry: the named entry's section of the kind asked, unless another of its sections says
what the message is about and retrieval ranks it higher, or the kind is only the classifier's guess
and retrieval ranks another of the entry's sections first."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.indexing.store import Index
from bot.retrieval.search import Retriever
from tests.bot.conversation.rules.conftest import (
    CEM,
    HOTEL,
    HUAWEI,
    MEASURES,
    appended,
    decided,
    edited_kb,
    ids,
    step,
)

#: No word asks for a kind: the classifier's 重要性 is a guess; the words are the strategies'.
GUESSED = "客户情绪管理讲口碑 那情绪识别情绪调节情感共鸣都要做吗"


@pytest.mark.parametrize(
    "intent, text", [("ask_strategy", "客户情绪管理对柜员适用吗"), ("ask_importance", "客户情绪管理对柜员有用吗")]
)
def test_the_section_that_says_the_messages_words_beats_the_kind_asked(chain, intent: str, text: str) -> None:
    decision, trace = chain(intent, text, topics=(CEM,))
    assert ids(decision) == [f"{CEM}#应用 · 银行"]
    named = step(trace, "named_entry")
    assert named.reason == "the named entry's section that says the message's words, the kind's says none"
    assert "柜员" in named.evidence["words"]


def test_nothing_of_its_own_to_say_keeps_the_kind_asked(chain) -> None:
    decision, trace = chain("ask_strategy", "客户情绪管理有哪些策略", topics=(CEM,))
    assert ids(decision) == [f"{CEM}#实施策略"]
    assert step(trace, "named_entry").reason == "the named entry's section of the kind asked"


def test_the_entrys_own_english_name_is_nothing_we_lack(chain) -> None:
    """The English alias joins the rest of the message in one chunk; it names the entry, not something else."""
    decision, trace = chain("ask_trend", "Emotion Management 以后会往哪发展", topics=(CEM,))
    assert decision.status == "answer"
    assert step(trace, "named_entry").reason == "the named entry lacks the kind asked: its best passage"


def test_a_latin_word_beside_the_entrys_english_name_is_something_we_lack(chain) -> None:
    decision, trace = chain("ask_trend", "Emotion Management canvas 以后会往哪发展", topics=(CEM,))
    assert decision.status == "not_found"
    assert step(trace, "named_entry").reason == (
        "the named entry lacks the kind asked, the message names something we lack"
    )


def test_a_case_part_asked_in_everyday_words_is_read_from_them(chain) -> None:
    """No word asks for a kind; the classifier's 实施策略 is a guess: 续约率 is said by the outcome only."""
    decision, trace = chain("ask_strategy", "华为那样做以后续约率有没有涨", topics=(HUAWEI,))
    assert ids(decision) == [f"{HUAWEI}#成效"]
    named = step(trace, "named_entry")
    assert named.reason == "the part of the named case the message's words ask for"
    assert [w for w in named.evidence["said"] if w in "续约率"]  # the fixture's jieba cuts 续约 + 率


def test_a_case_part_asked_by_a_cue_keeps_the_kind(chain) -> None:
    decision, trace = chain("ask_strategy", "华为续约率是怎么做上去的", topics=(HUAWEI,))
    assert ids(decision) == [f"{HUAWEI}#做法"]


def test_a_guessed_kind_gives_way_to_retrievals_first_section_of_the_entry(chain) -> None:
    decision, trace = chain("ask_importance", GUESSED, topics=(CEM,))
    assert ids(decision) == [f"{CEM}#实施策略"]
    named = step(trace, "named_entry")
    assert named.reason == "the kind is the intent's guess: retrieval's first passage of the named entry"
    assert named.evidence["kinds"] == ["重要性"]


def test_the_pieces_of_a_phrase_the_knowledge_base_never_says_are_no_evidence(chain) -> None:
    """「沟通过程」 is said nowhere though 沟通 and 过程 are: the definition's 服务过程 says 过程, the
    strategies' 语言沟通 says 沟通, and neither is a reason to leave the applications 「怎么用」 asks for."""
    decision, trace = chain("ask_application", "客户情绪管理在沟通过程中怎么用", topics=(CEM,))
    assert trace.candidates[0].passage_id == f"{CEM}#定义"
    assert ids(decision) == [f"{CEM}#应用 · 银行"]
    assert step(trace, "named_entry").reason == "the named entry's section of the kind asked"


def test_a_kind_asked_in_words_is_kept_over_retrievals_first(chain) -> None:
    decision, trace = chain("ask_importance", f"{GUESSED} 有啥好处", topics=(CEM,))
    assert ids(decision) == [f"{CEM}#重要性"]
    assert step(trace, "named_entry").reason == "the named entry's section of the kind asked"


def test_a_summary_never_answers_for_a_guessed_kind(tmp_path: Path) -> None:
    """A summary restates every section, so its words match any question; it stays for 「总结一下」."""

    summary = "\n## 总结\n讲口碑也好，情绪识别、情绪调节、情感共鸣也好，都要做，都要坚持做。\n"
    retriever, index = edited_kb(tmp_path, appended("concepts/customer-emotion-management.md", summary))
    decision, trace = decided(retriever, index, "ask_importance", GUESSED, topics=(CEM,))
    assert trace.candidates[0].passage_id == f"{CEM}#总结"
    assert ids(decision) == [f"{CEM}#重要性"]
    assert step(trace, "named_entry").reason == "the named entry's section of the kind asked"


@pytest.mark.parametrize(
    "text, passage", [("客户情绪管理 满意惊喜感激", f"{CEM}#分类"), ("客户情绪管理 前台茶水", f"{CEM}#应用 · 酒店")]
)
def test_a_guessed_kind_ranks_without_its_boost(chain, text: str, passage: str) -> None:
    """Retrieval ranks the guessed 定义 first only by the boost the guess gave it; the words beside
    the name are another section's, which ranks above it without that boost."""
    decision, trace = chain("ask_definition", text, topics=(CEM,))
    assert trace.candidates[0].passage_id == f"{CEM}#定义"
    assert ids(decision) == [passage]
    assert step(trace, "named_entry").reason == (
        "the named entry's section that says the message's words, the kind's says none"
    )


def test_a_bare_name_keeps_its_definition(chain) -> None:
    decision, _ = chain("ask_definition", "客户情绪管理", topics=(CEM,))
    assert ids(decision) == [f"{CEM}#定义"]


def test_a_case_asked_for_its_example_and_another_kind_answers_about_itself(tmp_path: Path) -> None:
    """「华为的案例体现了哪些要素」: the named case is the example; the hotel case it links to is not asked about."""

    def link_the_cases(knowledge: Path) -> None:
        path = knowledge / "cases" / "huawei-cloud-service.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("related: [customer-emotion-management]", f"related: [customer-emotion-management, {HOTEL}]"),
            encoding="utf-8",
        )

    retriever, index = edited_kb(tmp_path, link_the_cases)
    decision, trace = decided(retriever, index, "ask_case", "华为的案例体现了哪些要素", topics=(HUAWEI,))
    assert decision.passage.entry_id == HUAWEI
    assert step(trace, "named_entry").reason == "the named entry lacks the kind asked: its best passage"


@pytest.fixture(scope="module")
def with_measures(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, Index]:
    return edited_kb(tmp_path_factory.mktemp("measures"), appended("concepts/customer-emotion-management.md", MEASURES))


@pytest.mark.parametrize(
    "text, passage",
    [("客户情绪管理要注意啥", f"{CEM}#实施策略"), ("客户情绪管理回访客户要注意啥", f"{CEM}#措施 · 事后回访")],
)
def test_a_qualified_section_scored_alike_leaves_the_kind_to_its_main_section(
    with_measures: tuple[Retriever, Index], text: str, passage: str
) -> None:
    """No word asks for a kind; retrieval ranks 措施：事后回访 first, within the lead of 实施策略 unless
    the message says what qualifies it (回访): the intent's guess of the entry's first passage does not
    override how `section` weighed one kind's sections."""
    decision, trace = decided(*with_measures, "ask_strategy", text, topics=(CEM,))
    assert trace.candidates[0].passage_id == f"{CEM}#措施 · 事后回访"
    assert ids(decision) == [passage]
