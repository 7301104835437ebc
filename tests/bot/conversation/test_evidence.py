"""Evidence: the facts a turn's rules weigh, computed once and only when a rule asks."""

from __future__ import annotations

import pytest

from bot.conversation.decision import Note
from bot.conversation.evidence import Evidence, PolicySettings
from bot.conversation.planning import Request
from bot.conversation.trace import Trace
from bot.indexing.store import Index
from bot.retrieval.holder import IndexHolder
from bot.retrieval.search import Retriever
from bot.settings import Settings
from tests.conftest import CharEncoder

CEM = "customer-emotion-management"
HUAWEI = "huawei-cloud-service"


@pytest.fixture(scope="module")
def retriever(kb_settings: Settings) -> Retriever:
    return Retriever(IndexHolder(kb_settings.index_dir), CharEncoder())


@pytest.fixture
def evidence(retriever: Retriever, kb_index: Index):
    def evidence(text: str, intent: str = "inform", kinds=(), topics=(), industry=None, **kw) -> Evidence:
        settings = {k: kw.pop(k) for k in ("min_confidence", "context_margin", "alternative_margin") if k in kw}
        request = Request(text, intent, list(kinds), list(topics), industry, **kw)
        return Evidence(request, kb_index, retriever, PolicySettings(**settings), Trace(text))

    return evidence


def test_named_entries_are_the_ones_the_index_holds(evidence) -> None:
    assert evidence("客户情绪管理和旧条目", topics=[CEM, "gone"]).named == [CEM]


@pytest.mark.parametrize(
    ("text", "topics", "unknown"),
    [("海底捞的案例有吗", [], "海底捞"), ("海底捞的案例有吗", [CEM], None), ("什么是客户情绪管理", [], None)],
)
def test_a_name_we_lack_only_when_nothing_is_named(evidence, text: str, topics: list[str], unknown) -> None:
    assert evidence(text, topics=topics).unknown == unknown


def test_the_context_is_carried_unless_the_message_names_something(evidence) -> None:
    assert evidence("那银行呢", context=[CEM, "gone"]).carried == [CEM]
    assert evidence("华为云服务", topics=[HUAWEI], context=[CEM]).carried == []
    assert evidence("海底捞的案例有吗", context=[CEM]).carried == []  # a name we lack


def test_asks_for_cases_when_the_first_kind_is_the_case_kind(evidence) -> None:
    assert evidence("举个例子", kinds=["案例", "定义"]).asks_for_cases
    assert not evidence("什么是", kinds=["定义", "案例"]).asks_for_cases
    assert not evidence("嗯").asks_for_cases
    assert evidence("x", intent="ask_case").asks_case_intent and not evidence("x").asks_case_intent


def test_subject_words_leave_out_cues_and_industries(evidence) -> None:
    assert evidence("客户情绪管理在银行怎么用").subject_words() == ["客户情绪管理"]
    assert evidence("x").subject_words("续约率在酒店的作用") == ["续约", "率"]


def test_specific_words_are_in_few_passages(evidence, kb_index: Index) -> None:
    ev = evidence("x")
    assert kb_index.document_frequency("续约") == 1 and ev.specific("续约")
    assert kb_index.document_frequency("客户") > 1 and not ev.specific("客户")
    assert not ev.specific("区块链")  # in no passage: no evidence either


def test_the_subject_is_found_in_the_requests_text(evidence) -> None:
    subject = evidence("服务补救是什么意思").subject
    assert [c.text for c in subject.chunks] == ["服务补救"] and subject.missing == ["服务补救"]


def test_retrieval_runs_once_when_first_asked_and_fills_the_trace(evidence) -> None:
    ev = evidence("客户情绪管理有哪些策略", kinds=["实施策略"], topics=[CEM], min_confidence=0.5)
    assert "result" not in ev.__dict__ and ev.trace.candidates == []
    result = ev.result
    assert ev.result is result  # computed once
    assert ev.trace.confidence == result.confidence and ev.trace.threshold == 0.5
    assert [c.passage_id for c in ev.trace.candidates] == [h.passage.id for h in result.hits][:10]
    assert ev.trace.candidates[0].citation.startswith("《")


def test_passages_not_to_repeat_are_out_of_the_hits_and_the_trace(evidence) -> None:
    ev = evidence("再讲讲客户情绪管理", topics=[CEM], exclude=[f"{CEM}#定义"])
    assert f"{CEM}#定义" in [h.passage.id for h in ev.result.hits]
    assert f"{CEM}#定义" not in [h.passage.id for h in ev.hits]
    assert f"{CEM}#定义" not in [c.passage_id for c in ev.trace.candidates]


def test_confident_against_the_threshold(evidence) -> None:
    assert evidence("客户情绪管理", min_confidence=0.0).confident
    assert not evidence("客户情绪管理", min_confidence=1.9).confident


def test_the_context_is_always_scored(evidence) -> None:
    ev = evidence("区块链", context=[HUAWEI])
    assert {p.id for p in ev.index.entries[HUAWEI]} <= {h.passage.id for h in ev.hits}


def test_an_answer_notes_an_industry_the_passage_lacks(evidence, kb_index: Index) -> None:
    ev = evidence("客户情绪管理在医院怎么用", topics=[CEM], industry="医疗")
    decision = ev.answer(kb_index.passage(f"{CEM}#定义"))
    assert decision.note == Note("utter_industry_gap", {"industry": "医疗"})
    assert evidence("x", industry="银行").answer(kb_index.passage(f"{CEM}#应用 · 银行")).note is None
    assert evidence("x").answer(kb_index.passage(f"{CEM}#定义")).note is None


def test_an_answer_records_its_margin_to_another_entry(evidence, kb_index: Index) -> None:
    ev = evidence("客户情绪管理有哪些策略", topics=[CEM])
    passage = kb_index.passage(f"{CEM}#实施策略")
    ev.answer(passage)
    own = next(h.score for h in ev.hits if h.passage.id == passage.id)
    other = next(h.score for h in ev.hits if h.passage.entry_id != CEM)
    assert ev.trace.margin == pytest.approx(own - other)


def test_alternatives_are_other_entries_within_the_margin(evidence, kb_index: Index) -> None:
    wide = evidence("有没有酒店的案例", alternative_margin=10.0)
    best = wide.hits[0].passage
    alternatives = wide.alternatives(best, wide.hits)
    assert len(alternatives) == 2 and best.entry_id not in {p.entry_id for p in alternatives}
    assert len({p.entry_id for p in alternatives}) == 2
    assert evidence("有没有酒店的案例", alternative_margin=0.0).alternatives(best, []) == []


def test_not_found_offers_up_to_three_related_titles(evidence) -> None:
    decision = evidence("区块链在服务中怎么用").not_found()
    assert decision.status == "not_found" and decision.passages == []
    assert 1 <= len(decision.related) <= 3 and len(set(decision.related)) == len(decision.related)


def test_is_case(evidence) -> None:
    ev = evidence("x")
    assert ev.is_case(HUAWEI) and not ev.is_case(CEM) and not ev.is_case("gone")
