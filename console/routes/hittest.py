"""The hit test page: a conversation replayed against the live assistant, with the trace of each turn.

The page keeps the conversation itself (the earlier messages travel with the form), so nothing is
stored on the server and every test starts from the same state as a new chat.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.conversation.replay import NluUnavailable, ReplayedTurn
from bot.evaluation.saved_cases import observe
from console.editor import turn_rows
from console.forms import clean
from console.routes import services
from console.routes.publishing import HEAVY
from console.web import is_htmx, render


async def page(request: Request) -> Response:
    found = services(request)
    limit = found.options.max_turns
    error, rows, messages = "", [], []
    if request.method == "POST":
        form = await request.form()
        earlier = [clean(str(m))[:500] for m in form.getlist("turn")][: limit - 1]
        # A reply's button sends its payload, as in the chat; else the typed message.
        message = clean(str(form.get("pick") or form.get("message") or ""))[:2000]
        messages = [*earlier, message] if message.strip() else earlier
        if not message.strip():
            error = "请输入问题。"
    elif request.query_params.get("q"):  # "在命中测试中提问" links from an entry
        messages = [clean(request.query_params["q"])[:500]]
    saving: dict | None = None
    if messages:
        try:
            turns = await anyio.to_thread.run_sync(found.tester.live, messages, limiter=HEAVY)
            rows = turn_rows(turns, {s.id: s.title for s in found.workspace.summaries()})
            if request.state.trainer.can_edit:
                saving = case_form(found, turns)
        except NluUnavailable as exc:
            error = str(exc)
    context = {
        "turns": rows,
        "messages": [r["text"] for r in rows] if rows else messages,
        "error": error,
        "full": len(messages) >= limit,
        "limit": limit,
        "ready": found.tester.ready,
        "saving": saving,
    }
    return render(request, "_hittest.html" if is_htmx(request) else "test.html", context)


def case_form(found: Any, turns: list[ReplayedTurn]) -> dict[str, Any] | None:
    """What "save as a test case" offers for the conversation: the answer it got (the default), or
    another section, not found, a clarification."""
    expectation = observe(turns[-1]).expectation
    if expectation is None:
        return None
    if expectation.kind == "answer":
        got = f"answer:{expectation.passage_id}"
    elif expectation.kind == "response":
        got = f"response:{expectation.response}"
    else:
        got = expectation.kind
    by_entry: dict[str, list[Any]] = {}
    for passage in found.tester.assistant.retriever.holder.get().passages:
        by_entry.setdefault(passage.title, []).append(passage)
    titles = {s.id: s.title for s in found.workspace.summaries()}
    described = expectation.describe(titles, found.replies)
    return {"got": got, "described": described, "sections": sorted(by_entry.items())}


async def api(request: Request) -> Response:
    """`POST /api/test` {"messages": [...]} → the replies as the REST channel gives them, with traces (JSON).

    For scripts and tests: the same replay as the page (CSRF token in the X-CSRF-Token header).
    """
    found = services(request)
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": "请求内容不是 JSON"}, status_code=400)
    messages = body.get("messages") if isinstance(body, dict) else None
    if (
        not isinstance(messages, list)
        or not 0 < len(messages) <= found.options.max_turns
        or not all(isinstance(m, str) and len(m) <= 2000 for m in messages)
    ):
        return JSONResponse({"error": f"messages: 1 到 {found.options.max_turns} 条文字"}, status_code=400)
    try:
        turns = await anyio.to_thread.run_sync(found.tester.live, [clean(m) for m in messages], limiter=HEAVY)
    except NluUnavailable as exc:
        return JSONResponse({"error": str(exc)}, status_code=503)
    return JSONResponse(
        {
            "turns": [
                {
                    "text": t.text,
                    "route": t.route,
                    "intent": t.parse.intent if t.parse else None,
                    "status": t.reply.status if t.reply else None,
                    "messages": [m.as_rest() for m in t.messages],
                    "trace": t.reply.trace.to_dict() if t.reply and t.reply.trace else None,
                }
                for t in turns
            ]
        }
    )
