"""The hit test page: a conversation replayed against the live assistant, with the trace of each turn.

The page keeps the conversation itself (the earlier messages travel with the form), so nothing is
stored on the server and every test starts from the same state as a new chat.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import Response

from bot.conversation.replay import NluUnavailable
from console.editor import turn_rows
from console.forms import clean
from console.routes import services
from console.routes.entries import HEAVY
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
    if messages:
        try:
            turns = await anyio.to_thread.run_sync(found.tester.live, messages, limiter=HEAVY)
            rows = turn_rows(turns, {s.id: s.title for s in found.workspace.summaries()})
        except NluUnavailable as exc:
            error = str(exc)
    context = {
        "turns": rows,
        "messages": [r["text"] for r in rows] if rows else messages,
        "error": error,
        "full": len(messages) >= limit,
        "limit": limit,
        "ready": found.tester.ready,
    }
    return render(request, "_hittest.html" if is_htmx(request) else "test.html", context)
