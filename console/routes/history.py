"""History: the changes of one entry or of the whole knowledge base, with diffs, and undoing one.

Undoing a change is a new commit: the change is taken back out of the current text (a three-way
merge); when later edits touched the same lines, the trainer is offered the whole version from
before the change instead, and sees what that would also undo. Like any save, it is checked
against the saved test cases before it is published.
"""

from __future__ import annotations

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.knowledge.history import HistoryError
from console.routes import services
from console.routes.entries import entry_name
from console.routes.publishing import start_check
from console.web import render
from console.workspace import FileEdit, Outcome, content_hash


def diff_rows(diff: str) -> list[tuple[str, str]]:
    """(css class, line) per line of a unified diff, headers left out."""
    rows = []
    for line in diff.splitlines():
        if line.startswith(("diff --git", "index ", "--- ", "+++ ", "new file mode", "deleted file mode")):
            continue
        kind = {"@": "hunk", "+": "added", "-": "removed"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


async def entry_history(request: Request) -> Response:
    found = services(request)
    name = entry_name(request)
    history = found.workspace.history
    try:
        changes = await anyio.to_thread.run_sync(history.log, name, 50)
        diffs = {c.commit: diff_rows(await anyio.to_thread.run_sync(history.diff, c.commit, name)) for c in changes}
        error = ""
    except HistoryError as exc:
        changes, diffs, error = [], {}, str(exc)
    entry = found.workspace.knowledge().entries.get(request.path_params["entry_id"])
    context = {"id": request.path_params["entry_id"], "name": name, "changes": changes, "diffs": diffs, "error": error}
    context["title"] = entry.meta.title if entry else request.path_params["entry_id"]
    return render(request, "history.html", context)


async def all_history(request: Request) -> Response:
    history = services(request).workspace.history
    try:
        changes, error = await anyio.to_thread.run_sync(history.log, None, 100), ""
    except HistoryError as exc:
        changes, error = [], str(exc)
    return render(request, "history_all.html", {"changes": changes, "error": error})


async def revert(request: Request) -> Response:
    found = services(request)
    name = entry_name(request)
    entry_id = request.path_params["entry_id"]
    form = await request.form()
    commit, whole = str(form.get("commit") or ""), form.get("restore") == "1"
    workspace, history = found.workspace, found.workspace.history
    current = workspace.text(name)
    try:
        change = next((c for c in history.log(name, 200) if c.commit == commit), None)
        if change is None:
            raise HTTPException(404, "这个条目没有这次修改")
        plan = await anyio.to_thread.run_sync(history.revert_text, commit, name, current)
    except HistoryError as exc:
        raise HTTPException(400, str(exc)) from exc
    if not plan.clean and not whole:
        before = plan.text or ""
        context = {"id": entry_id, "change": change, "base": content_hash(current)}
        context["diff"] = diff_rows("\n".join(_unified(current or "", before)))
        return render(request, "revert_conflict.html", context, 409)
    message = f"撤销修改 {change.short}（{change.subject}）"
    base = str(form.get("base") or content_hash(current))
    origin = {"kind": "revert", "name": name, "entry": entry_id, "short": change.short}
    result = await start_check(request, [FileEdit(name, plan.text, base)], message, origin)
    if not isinstance(result, Outcome):
        return result
    if result.status == "unchanged":
        return RedirectResponse(f"/entries/{entry_id}?saved=reverted", status_code=303)
    context = {"id": entry_id, "change": change, "outcome": result, "problems": result.problems}
    return render(request, "revert_failed.html", context, 409 if result.status == "conflict" else 422)


def _unified(current: str, before: str) -> list[str]:
    import difflib

    return list(difflib.unified_diff(current.splitlines(), before.splitlines(), "当前版本", "恢复后", lineterm=""))
