"""Saved test cases in the console: saved from the hit test, listed, run against the live
assistant (failures with their traces), deleted; each save a commit."""

from __future__ import annotations

import re
import subprocess

from bot.feedback.case_runs import load_runs
from bot.knowledge.cases import CASES_FILE, Expectation, TestCase, load_cases, render_cases
from tests.console.conftest import Console
from tests.console.test_pages import ENTRY

STRATEGY = "客户情绪管理有哪些策略"


def test_a_hit_test_is_saved_as_a_test_case(console: Console) -> None:
    csrf = console.login()
    page = console.client.post("/test", data={"csrf_token": csrf, "turn": "你好", "message": STRATEGY}).text
    assert "保存为测试用例" in page
    assert f'value="answer:{ENTRY}#实施策略" selected>就是现在这个回答：《客户情绪管理》· 实施策略' in page
    conversation = re.findall(r'name="conversation" value="([^"]+)"', page)
    assert conversation == ["你好", STRATEGY]
    data = {"csrf_token": csrf, "conversation": conversation, "expect": f"answer:{ENTRY}#实施策略"}
    saved = console.client.post("/cases/new", data=data, follow_redirects=False)
    case_id = TestCase.create(STRATEGY, Expectation.answer(ENTRY, "实施策略"), earlier=["你好"]).id
    assert saved.headers["location"] == f"/cases?added={case_id}#{case_id}"
    [case] = load_cases(console.knowledge / CASES_FILE)[0]
    assert (case.id, case.earlier, case.note) == (case_id, ("你好",), "命中测试")
    log = subprocess.run(["git", "log", "-1", "--format=%an|%s"], cwd=console.knowledge, capture_output=True, text=True)
    assert log.stdout.strip() == f"editor|保存测试用例“{STRATEGY}”"
    again = console.client.post("/cases/new", data=data | {"expect": "not_found"}, follow_redirects=False)
    assert again.headers["location"].startswith("/cases?updated=")  # the same conversation: its expectation updated
    assert [c.expect.kind for c in load_cases(console.knowledge / CASES_FILE)[0]] == ["not_found"]


def test_a_viewer_sees_no_save_form_and_cannot_save(console: Console) -> None:
    csrf = console.login("viewer")
    assert "保存为测试用例" not in console.client.post("/test", data={"csrf_token": csrf, "message": STRATEGY}).text
    data = {"csrf_token": csrf, "conversation": [STRATEGY], "expect": "not_found"}
    assert console.client.post("/cases/new", data=data).status_code == 403
    assert not (console.knowledge / CASES_FILE).exists()


def test_a_case_naming_a_missing_section_is_not_saved(console: Console) -> None:
    csrf = console.login()
    data = {"csrf_token": csrf, "conversation": [STRATEGY], "expect": f"answer:{ENTRY}#没有这一节"}
    response = console.client.post("/cases/new", data=data)
    assert response.status_code == 422 and "没有小节 “没有这一节”" in response.text
    assert not (console.knowledge / CASES_FILE).exists()
    assert console.client.post("/cases/new", data={"csrf_token": csrf, "expect": "x"}).status_code == 400


def test_run_all_shows_failures_with_their_trace_and_records_the_pass_rate(console: Console) -> None:
    cases = [
        TestCase.create(STRATEGY, Expectation.answer(ENTRY, "实施策略")),
        TestCase.create(STRATEGY, Expectation.answer(ENTRY, "定义"), earlier=["你好"]),
        TestCase.create("你好", Expectation("response", response="utter_greet")),
    ]
    (console.knowledge / CASES_FILE).write_text(render_cases(cases), encoding="utf-8")
    csrf = console.login("viewer")  # running changes nothing: viewers may
    listing = console.client.get("/cases").text
    assert "共 3 个用例" in listing and "还没有在控制台运行过" in listing
    assert "固定回复“您好！" in listing  # a fixed reply by its words
    page = console.client.post("/cases/run", data={"csrf_token": csrf}).text
    assert "通过 <strong>2</strong> 个" in page and "失败 1 个" in page
    assert page.index(cases[1].id) < page.index(cases[0].id)  # failures first
    assert "员工现在得到的回答" in page and "决策步骤" in page  # the failure's trace
    assert [(r.kind, r.passed, r.total, r.by) for r in load_runs(console.services.store)] == [
        ("console", 2, 3, "viewer")
    ]
    assert cases[0].id not in console.client.get("/cases?show=failed").text


def test_a_case_is_deleted_as_a_commit(console: Console) -> None:
    case = TestCase.create(STRATEGY, Expectation.answer(ENTRY, "实施策略"))
    (console.knowledge / CASES_FILE).write_text(render_cases([case]), encoding="utf-8")
    csrf = console.login()
    response = console.client.post(f"/cases/{case.id}/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.headers["location"] == "/cases?deleted=1"
    assert load_cases(console.knowledge / CASES_FILE)[0] == []
    log = subprocess.run(["git", "log", "-1", "--format=%s"], cwd=console.knowledge, capture_output=True, text=True)
    assert log.stdout.strip() == f"删除测试用例“{STRATEGY}”"


def test_a_broken_case_file_is_shown_not_rewritten(console: Console) -> None:
    (console.knowledge / CASES_FILE).write_text("cases: [\n", encoding="utf-8")
    csrf = console.login()
    assert "tests.yml 不是有效的 YAML" in console.client.get("/cases").text
    data = {"csrf_token": csrf, "conversation": [STRATEGY], "expect": "not_found"}
    assert console.client.post("/cases/new", data=data).status_code == 422
    assert (console.knowledge / CASES_FILE).read_text(encoding="utf-8") == "cases: [\n"
