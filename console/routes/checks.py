"""The check page: what a change would do to the saved test cases, then publish it or go back.

Publishing is Workspace.save with the checked candidate: the files are written and committed and
the candidate becomes the live index as it was checked. Going back throws the candidate away and
returns to where the change came from (the editor keeps the draft); nothing is written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.evaluation.saved_cases import CaseResult
from bot.indexing.candidate import discard
from bot.knowledge.cases import CASES_FILE
from console.checks import Pending
from console.editor import turn_rows
from console.routes import services
from console.routes.editing import editor_for_text
from console.routes.history import diff_rows
from console.routes.publishing import finish
from console.web import render


def row_maker(titles: dict[str, str]) -> Callable[[CaseResult], dict[str, Any] | None]:
    """For the templates: a case result's turn as the hit test shows it (trace in Chinese)."""

    def row_of(result: CaseResult) -> dict[str, Any] | None:
        return turn_rows([result.turn], titles)[0] if result.turn is not None else None

    return row_of


def _pending(request: Request, take: bool = False) -> Pending:
    checks = services(request).checks
    pending_id, trainer = request.path_params["check_id"], request.state.trainer.name
    pending = checks.take(pending_id, trainer) if take else checks.get(pending_id, trainer)
    if pending is None:
        raise HTTPException(404, "这次检查已经结束（已发布、已返回或超过一小时），请重新保存。")
    return pending


async def page(request: Request) -> Response:
    found = services(request)
    pending = _pending(request)
    titles = {s.id: s.title for s in found.workspace.summaries()}
    files = []
    for name, text in pending.texts.items():
        before = pending.before.get(name)
        diff = difflib.unified_diff(
            (before or "").splitlines(), (text or "").splitlines(), "发布前", "发布后", lineterm="", n=2
        )
        label = "测试用例（tests.yml）" if name == CASES_FILE else name
        files.append({"name": label, "rows": diff_rows("\n".join(diff)), "deleted": text is None})
    report = pending.report
    groups = [
        ("broken", "会变坏：原来通过，发布后失败", report.broken),
        ("fixed", "会修好：原来失败，发布后通过", report.fixed),
        ("changed", "回答会变化（仍然通过）", report.of("changed")),
        ("failing", "发布前后都没有通过", report.of("failing")),
        ("removed", "这次删除的测试用例", report.of("removed")),
    ]
    context = {
        "pending": pending,
        "report": report,
        "groups": groups,
        "same": len(report.of("same")),
        "files": files,
        "titles": titles,
        "origin": pending.origin,
        "row_of": row_maker(titles),
    }
    return render(request, "check.html", context)


async def publish(request: Request) -> Response:
    found = services(request)
    pending = _pending(request, take=True)
    outcome = await anyio.to_thread.run_sync(
        found.workspace.save, pending.edits, pending.author, pending.message, pending.candidate
    )
    if outcome.status == "saved":
        found.checks.published(pending, outcome.index_version, found.workspace.cases())
        return RedirectResponse(finish(request, pending, outcome), status_code=303)
    if outcome.status == "unchanged":
        return RedirectResponse(finish(request, pending, outcome).replace("saved=saved", "saved=unchanged"), 303)
    reason = (
        f"检查之后，{outcome.name} 又被{outcome.changed_by.author if outcome.changed_by else '别人'}修改过"
        if outcome.status == "conflict"
        else f"{outcome.name} 有错误"
    )
    raise HTTPException(409, f"没有发布：{reason}。请返回重新修改后再保存（您的修改没有写入知识库）。")


async def back(request: Request) -> Response:
    pending = _pending(request, take=True)
    discard(pending.candidate)  # nothing was written
    origin = pending.origin
    kind = origin.get("kind")
    if kind in ("entry", "new"):
        return editor_for_text(request, pending.texts[origin["name"]] or "", origin)
    if kind == "delete":
        return RedirectResponse(f"/entries/{origin.get('entry', '')}", status_code=303)
    if kind == "revert":
        return RedirectResponse(f"/entries/{origin.get('entry', '')}/history", status_code=303)
    if kind == "inbox":
        return RedirectResponse("/inbox", status_code=303)
    return RedirectResponse("/entries", status_code=303)
