"""The console's ASGI application: its services and its routes.

Usage:
    services = Services.create(Settings.load(), ConsoleSettings.load(), RasaNlu(url, token))
    app = create_app(services)      # served by uvicorn (console/__main__.py)
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.conversation.replay import Nlu, Responses
from bot.indexing.encoder import Encoder
from bot.knowledge.history import KnowledgeHistory
from bot.settings import Settings
from console.accounts import TrainerStore
from console.hittest import HitTester
from console.routes import auth, entries, history, hittest
from console.security import Guard, handler
from console.sessions import SessionStore
from console.settings import ConsoleSettings
from console.web import render
from console.workspace import Workspace

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
#: htmx from npm (web/package.json), served as it is: no build step, no CDN.
HTMX = Path(__file__).resolve().parents[1] / "web" / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"


@dataclass
class Services:
    settings: Settings
    options: ConsoleSettings
    trainers: TrainerStore
    sessions: SessionStore
    workspace: Workspace
    tester: HitTester
    responses: Responses

    @classmethod
    def create(cls, settings: Settings, options: ConsoleSettings, nlu: Nlu, encoder: Encoder | None = None) -> Services:
        tester = HitTester(settings, nlu, encoder)
        return cls(
            settings=settings,
            options=options,
            trainers=TrainerStore(options.accounts),
            sessions=SessionStore(options.state_db, options.session_idle_minutes * 60, options.session_hours * 3600),
            workspace=Workspace(
                settings, KnowledgeHistory(settings.knowledge_dir), tester.publish, options.max_entry_chars
            ),
            tester=tester,
            responses=Responses.load(settings.domain),
        )


HEADINGS = {400: "请求有误", 403: "没有权限", 404: "没有找到", 405: "不支持的操作", 500: "出错了"}


async def error_page(request: Request, exc: Exception) -> Response:
    """Errors as pages in Chinese (htmx requests get the message alone); the details go to the log."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = (
        exc.detail if isinstance(exc, HTTPException) and status < 500 else "服务器处理时出错，已记入日志，请稍后再试。"
    )
    if status == 404 and message == "Not Found":
        message = "没有这个页面。"
    if status >= 500:
        log.exception("error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.headers.get("hx-request"):
        return PlainTextResponse(message, status_code=status)
    return render(
        request, "error.html", {"heading": HEADINGS.get(status, "出错了"), "message": message, "status": status}, status
    )


async def home(request: Request) -> Response:
    return RedirectResponse("/entries", status_code=303)


async def htmx_script(request: Request) -> Response:
    if not HTMX.exists():
        return PlainTextResponse("htmx is missing: run scripts/setup.sh (npm ci in web/)", status_code=500)
    return FileResponse(HTMX, media_type="text/javascript")


def create_app(services: Services, warm_up: bool = True) -> Starlette:
    routes = [
        Route("/login", auth.login_page, methods=["GET"]),
        Route("/login", auth.login, methods=["POST"]),
        Route("/static/vendor/htmx.min.js", htmx_script),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Route("/logout", handler(auth.logout), methods=["POST"]),
        Route("/", handler(home)),
        Route("/entries", handler(entries.listing)),
        Route("/entries/{entry_id}", handler(entries.view)),
        Route("/entries/{entry_id}/edit", handler(entries.edit)),
        Route("/entries/{entry_id}/check", handler(entries.check), methods=["POST"]),
        Route("/entries/{entry_id}/try", handler(entries.try_draft), methods=["POST"]),
        Route("/entries/{entry_id}/save", handler(entries.save, editor=True), methods=["POST"]),
        Route("/entries/{entry_id}/delete", handler(entries.delete, editor=True), methods=["GET", "POST"]),
        Route("/entries/{entry_id}/history", handler(history.entry_history)),
        Route("/entries/{entry_id}/revert", handler(history.revert, editor=True), methods=["POST"]),
        Route("/new", handler(entries.new, editor=True)),
        Route("/new/check", handler(entries.check_new), methods=["POST"]),
        Route("/new/try", handler(entries.try_new), methods=["POST"]),
        Route("/new/save", handler(entries.save_new, editor=True), methods=["POST"]),
        Route("/history", handler(history.all_history)),
        Route("/test", handler(hittest.page), methods=["GET", "POST"]),
        Route("/api/test", handler(hittest.api), methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page, Exception: error_page})
    app.state.services = services
    app.add_middleware(Guard, services=services)
    if warm_up:
        threading.Thread(target=services.tester.warm_up, name="warm-up", daemon=True).start()
    return app
