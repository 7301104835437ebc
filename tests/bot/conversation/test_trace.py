from __future__ import annotations

import json

from bot.conversation.trace import Candidate, TermMatch, Trace


def test_the_last_deciding_rule_decided() -> None:
    trace = Trace("客户情叙管理有哪些策略")
    assert trace.decided_by is None
    trace.passed("list_item", "no list item named")
    trace.decided("named_entry", "the message names an entry", entry="customer-emotion-management")
    assert trace.decided_by == "named_entry"
    assert [s.outcome for s in trace.steps] == ["passed", "decided"]


def test_evidence_is_json_ready() -> None:
    trace = Trace("q")
    trace.decided("coverage", "subject words found", words=("补救",), score=0.123456789, where={"a": {1}})
    trace.terms.append(TermMatch("情叙", "情绪", "homophone"))
    trace.rank([Candidate("e#定义", "《E》· 定义", "concepts/e.md", 12, 0.9, 0.88, 3.2)])
    data = json.loads(json.dumps(trace.to_dict(), ensure_ascii=False))
    assert data["steps"][0]["evidence"] == {"words": ["补救"], "score": 0.1235, "where": {"a": [1]}}
    assert data["decided_by"] == "coverage"
    assert data["candidates"][0]["source"] == "concepts/e.md"


def test_text_names_rules_terms_and_ranking() -> None:
    trace = Trace("客户情叙管理", understood="客户情绪管理", intent="ask_definition", threshold=0.87, confidence=0.9)
    trace.terms.append(TermMatch("客户情叙管理", "客户情绪管理", "homophone", "customer-emotion-management"))
    trace.decided("named_entry", "names an entry")
    trace.rank([Candidate("e#定义", "《客户情绪管理》· 定义", "concepts/e.md", 12, 0.9, 0.88, 3.2)])
    text = trace.to_text()
    assert "understood as: 客户情绪管理" in text
    assert "客户情叙管理 → 客户情绪管理 [homophone]" in text
    assert "1. named_entry: decided: names an entry" in text
    assert "concepts/e.md:12" in text


def test_the_last_decided_step_is_the_deciding_rule() -> None:
    trace = Trace("q")
    trace.decided("first", "one")
    trace.passed("second", "two")
    trace.decided("none", "no rule decided")
    assert trace.decided_by == "none"


def test_rank_keeps_the_best_candidates() -> None:
    trace = Trace("q")
    trace.rank(Candidate(f"e#{n}", "c", "f.md", n, 1.0, 1.0, 1.0) for n in range(30))
    assert [c.line for c in trace.candidates] == list(range(10))
    trace.rank([Candidate("e#x", "c", "f.md", 1, 1.0, 1.0, 1.0)] * 5, limit=2)
    assert len(trace.candidates) == 2


def test_text_of_a_miss_with_coverage_and_a_traditional_reading() -> None:
    trace = Trace("服務補救是什麼意思", understood="服务补救是什么意思", threshold=0.87)
    trace.terms.append(TermMatch("服務補救是什麼意思", "服务补救是什么意思", "traditional"))
    trace.coverage = {"subject": ["服务补救"], "missing": ["服务补救"], "term_question": True}
    trace.passed("list_item", "no item of the last answer named")
    trace.decided("absent_subject", "the knowledge base never mentions the subject", missing=["服务补救"])
    trace.status = "not_found"
    lines = trace.to_text().splitlines()
    assert lines[:3] == [
        "question: 服務補救是什麼意思",
        "understood as: 服务补救是什么意思",
        "term: 服務補救是什麼意思 → 服务补救是什么意思 [traditional]",
    ]
    assert "scores: threshold 0.870" in lines  # only the scores there are
    assert "coverage: subject=['服务补救'], missing=['服务补救'], term_question=True" in lines
    assert "1. list_item: passed: no item of the last answer named" in lines
    assert "2. absent_subject: decided: the knowledge base never mentions the subject — missing=['服务补救']" in lines
    assert lines[-1] == "result: not_found"


def test_text_without_a_reading_or_a_result() -> None:
    text = Trace("客户情绪管理", understood="客户情绪管理").to_text()
    assert "understood as" not in text and "scores" not in text and "coverage" not in text
    assert text.splitlines()[-1] == "result: ?"


def test_text_says_the_kinds_asked_and_when_none_was_guessed() -> None:
    assert "kinds asked: 实施策略, 案例" in Trace("q", kinds=["实施策略", "案例"]).to_text()
    own = Trace("今天被客户骂哭了", own_state=True).to_text()
    assert "kinds asked: - (staff's own state: none guessed from the intent)" in own
    assert "kinds asked" not in Trace("q").to_text()


def test_result_names_the_passages_answered() -> None:
    trace = Trace("q", status="answer", answer=["e#定义"], margin=0.05)
    assert "result: answer e#定义" in trace.to_text() and "scores: margin 0.050" in trace.to_text()


def test_to_dict_holds_the_reading() -> None:
    trace = Trace("同里心", understood="同理心", intent="inform")
    trace.terms.append(TermMatch("同里心", "同理心", "homophone", "empathy"))
    data = json.loads(json.dumps(trace.to_dict(), ensure_ascii=False))
    assert data["understood"] == "同理心"
    assert data["terms"] == [{"said": "同里心", "term": "同理心", "how": "homophone", "entry": "empathy"}]
    assert data["decided_by"] is None and data["steps"] == []
