"""The dashboard page: the figures of use, the plots as PNG images, the saved cases' pass rate."""

from __future__ import annotations

from bot.feedback.case_runs import CaseRun, record_run
from bot.feedback.store import TurnRecord
from tests.console.conftest import Console
from tests.console.test_pages import ENTRY


def test_the_dashboard_shows_use_and_the_pass_rate(console: Console) -> None:
    store = console.services.store
    store.record_turn(
        TurnRecord(sender="u1", question="客户情绪管理有哪些策略", status="answer", passages=(f"{ENTRY}#实施策略",))
    )
    store.record_turn(TurnRecord(sender="u1", question="区块链", status="not_found"))
    record_run(store, CaseRun("kb test", total=66, passed=65))
    console.login("viewer")
    page = console.client.get("/dashboard").text
    assert "<strong>2</strong> 个问题" in page and "<strong>50%</strong> 已回答" in page
    assert "测试用例通过率：<strong>98%</strong>（65/66" in page
    for name in ("questions-per-day", "outcomes", "ratings-per-entry", "unused-knowledge", "pass-rate"):
        assert f'src="/dashboard/{name}.png?days=30' in page
        image = console.client.get(f"/dashboard/{name}.png?days=30")
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG")
    assert 'alt="保存的测试用例通过率"' in page
    assert "整条从未用于回答的条目" in page
    assert console.client.get("/dashboard/../../etc/passwd.png").status_code == 404
    assert console.client.get("/dashboard/other.png").status_code == 404
    assert 'aria-current="page">全部' in console.client.get("/dashboard?days=all").text
    assert 'aria-current="page">最近 30 天' in console.client.get("/dashboard?days=bogus").text
