"""What every request to the console passes through: size limit, log-in, security headers; and
the CSRF and role checks every handler is wrapped in.

Default deny: the middleware lets through only the log-in page and static files without a
session; every other path, including ones no route serves, needs a logged-in trainer. Handlers
are registered through `handler()`, which checks the session's CSRF token on every POST and the
role where a handler changes the knowledge base.

Usage:
    app = Starlette(routes=[Route("/entries", handler(entries_page))], middleware=[Middleware(Guard, services=services)])
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from console.app import Services

COOKIE = "kb_console_session"
LOGIN_COOKIE = "kb_console_login"
PUBLIC = ("/login", "/static/")
#: The one path that takes a larger body: a document to import (up to `import_max_mb`).
UPLOAD_PATH = "/import"
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]


class BodyTooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: body size limit, log-in required outside PUBLIC, security headers."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        limit = self.services.options.max_body_bytes
        if scope["path"] == UPLOAD_PATH and scope.get("method") == "POST":
            limit = self.services.upload_limit
        length = request.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > limit):
            await _with_headers(PlainTextResponse("请求内容太大。", status_code=413))(scope, receive, send)
            return
        path = scope["path"]
        if not any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC):
            token = request.cookies.get(COOKIE, "")
            session = self.services.sessions.get(token) if token else None
            trainer = self.services.trainers.get(session.trainer) if session else None
            if session is None or trainer is None:
                await _with_headers(anonymous(request))(scope, receive, send)
                return
            scope.setdefault("state", {}).update(trainer=trainer, session=session, token=token)

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in HEADERS.items() if k.encode() not in names]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            await _with_headers(PlainTextResponse("请求内容太大。", status_code=413))(scope, receive, send)


def anonymous(request: Request) -> Response:
    """Not logged in: htmx is sent to the log-in page, a page view redirected there, the rest refused."""
    if request.headers.get("hx-request"):
        return PlainTextResponse("请先登录。", status_code=401, headers={"HX-Redirect": "/login"})
    if request.method == "GET":
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return PlainTextResponse("请先登录。", status_code=401)


def handler(endpoint: Handler, editor: bool = False, files: int = 0) -> Handler:
    """`endpoint` behind the CSRF check (every POST) and, with `editor`, the editor role; `files`:
    how many uploaded files the form may carry (document import: one)."""

    async def checked(request: Request) -> Response:
        trainer, session = request.state.trainer, request.state.session
        if request.method == "POST":
            form = await request.form(max_files=files, max_fields=5000, max_part_size=2_000_000)
            sent = str(form.get("csrf_token") or request.headers.get("x-csrf-token") or "")
            if not secrets.compare_digest(sent.encode(), session.csrf.encode()):
                return PlainTextResponse("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。", status_code=403)
        if editor and not trainer.can_edit:
            return PlainTextResponse("您的账号是只读账号，不能修改知识库。", status_code=403)
        return await endpoint(request)

    checked.__name__ = endpoint.__name__
    return checked


def safe_next(target: str | None) -> str:
    """A redirect target after log-in: a path of this site only."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _with_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
