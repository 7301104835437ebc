"""Saved test cases: the list, running them all against the live assistant (failures with their
decision traces), saving one from the hit test, deleting one.

A case is saved as a change to knowledge/tests.yml through the workspace's one save path (a
commit with the trainer as author); the index does not depend on the file, so nothing is rebuilt.
"""

from __future__ import annotations

import time
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.conversation.replay import NluUnavailable
from bot.knowledge.cases import CASES_FILE, CaseChange, Expectation, TestCase
from console.forms import clean
from console.labels import lint_message
from console.routes import services
from console.routes.checks import row_maker
from console.routes.publishing import HEAVY
from console.web import render
from console.workspace import FileEdit


def expectation_of(value: str) -> Expectation | None:
    """A form's choice of expectation: "answer:entry#section", "not_found", "clarify", "response:utter_…"."""
    kind, _, rest = value.partition(":")
    if value == "not_found":
        return Expectation("not_found")
    if value == "clarify":
        return Expectation("clarify")
    if kind == "answer" and "#" in rest:
        entry, _, section = rest.partition("#")
        return Expectation.answer(entry.strip(), section.strip()) if entry.strip() and section.strip() else None
    if kind == "response" and rest.startswith("utter_"):
        return Expectation("response", response=rest)
    return None


def save_cases(request: Request, change: CaseChange, message: str):  # -> Outcome
    found = services(request)
    edit = FileEdit(CASES_FILE, None, cases=change)
    return found.workspace.save([edit], found.author(request.state.trainer), message)


async def listing(request: Request, results: dict | None = None, error: str = "", status: int = 200) -> Response:
    found = services(request)
    cases = found.workspace.cases()
    problems = await anyio.to_thread.run_sync(found.workspace.problems, CASES_FILE, None)
    ran_at, last = found.checks.last_run
    results = results if results is not None else last
    titles = {s.id: s.title for s in found.workspace.summaries()}
    rows: list[dict[str, Any]] = [{"case": c, "result": results.get(c.id)} for c in cases]
    if request.query_params.get("show") == "failed":
        rows = [r for r in rows if r["result"] is not None and not r["result"].passed]
    rows.sort(key=lambda r: (r["result"] is None or r["result"].passed,))  # failures first, file order otherwise
    failed = sum(1 for c in cases if c.id in results and not results[c.id].passed)
    context = {
        "rows": rows,
        "count": len(cases),
        "ran": sum(1 for c in cases if c.id in results),
        "failed": failed,
        "ran_at": ran_at,
        "titles": titles,
        "row_of": row_maker(titles),
        "problems": [{"line": p.line, "message": lint_message(p.message), "level": p.level} for p in problems],
        "error": error,
        "age": int(time.time() - ran_at) if ran_at else None,
    }
    return render(request, "cases.html", context, status)


async def run_all(request: Request) -> Response:
    found = services(request)
    cases = found.workspace.cases()
    try:
        results = await anyio.to_thread.run_sync(
            found.checks.run_live, cases, request.state.trainer.name, limiter=HEAVY
        )
    except NluUnavailable as exc:
        return await listing(request, error=str(exc), status=503)
    return await listing(request, {r.case.id: r for r in results})


async def create(request: Request) -> Response:
    """From the hit test: the conversation and the answer it should get."""
    found = services(request)
    form = await request.form()
    messages = [clean(str(m)).strip()[:500] for m in form.getlist("conversation")][: found.options.max_turns]
    expect = expectation_of(str(form.get("expect") or ""))
    if not messages or not messages[-1] or expect is None:
        return await listing(request, error="没有保存：缺少问题或期望的回答。", status=400)
    case = TestCase.create(messages[-1], expect, earlier=messages[:-1], note="命中测试")
    replaced = case.id in {c.id for c in found.workspace.cases()}
    outcome = await anyio.to_thread.run_sync(
        save_cases, request, CaseChange(add=[case]), f"保存测试用例“{case.question[:40]}”"
    )
    if outcome.status == "invalid":
        reasons = "；".join(lint_message(p.message) for p in outcome.problems)
        return await listing(request, error=f"没有保存：{reasons}", status=422)
    done = "updated" if replaced else "added"
    return RedirectResponse(f"/cases?{done}={case.id}#{case.id}", status_code=303)


async def delete(request: Request) -> Response:
    found = services(request)
    case_id = request.path_params["case_id"]
    case = next((c for c in found.workspace.cases() if c.id == case_id), None)
    if case is None:
        return RedirectResponse("/cases", status_code=303)
    await anyio.to_thread.run_sync(
        save_cases, request, CaseChange(remove={case_id}), f"删除测试用例“{case.question[:40]}”"
    )
    return RedirectResponse("/cases?deleted=1", status_code=303)
