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
