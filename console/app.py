"""The console's ASGI application: its services and its routes.

Usage:
    services = Services.create(Settings.load(), ConsoleSettings.load(), RasaNlu(url, token))
    app = create_app(services)      # served by uvicorn (console/__main__.py)
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.conversation.replay import Nlu, Responses
from bot.feedback.store import FeedbackStore
from bot.inbox.inbox import Inbox
from bot.indexing.encoder import Encoder
from bot.knowledge.history import Author, KnowledgeHistory
from bot.settings import Settings
from console.accounts import Trainer, TrainerStore
from console.checks import Checks
from console.hittest import HitTester
from console.routes import auth, cases, checks, dashboard, entries, history, hittest, importing, inbox
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
    store: FeedbackStore  # the turn log the inbox and the dashboard read; the test runs' pass rates
    checks: Checks
    _inbox: Inbox | None = None

    @classmethod
    def create(cls, settings: Settings, options: ConsoleSettings, nlu: Nlu, encoder: Encoder | None = None) -> Services:
        tester = HitTester(settings, nlu, encoder)
        store = FeedbackStore.open(settings.feedback_db, retention_days=settings.retention_days)
        return cls(
            settings=settings,
            options=options,
            trainers=TrainerStore(options.accounts),
            sessions=SessionStore(options.state_db, options.session_idle_minutes * 60, options.session_hours * 3600),
            workspace=Workspace(
                settings,
                KnowledgeHistory(settings.knowledge_dir),
                tester.publish,
                options.max_entry_chars,
                reload=tester.reload,
            ),
            tester=tester,
            responses=Responses.load(settings.domain),
            store=store,
            checks=Checks(settings, tester, store),
        )

    @property
    def inbox(self) -> Inbox:
        """The inbox, grouping with the hit test's encoder (loaded once; embeddings cached between views)."""
        if self._inbox is None:
            self._inbox = Inbox.from_settings(self.settings, self.tester.encoder, store=self.store)
        return self._inbox

    @cached_property
    def replies(self) -> dict[str, str]:
        """Each domain.yml response's text, shortened: how the console names a fixed reply."""
        out = {}
        for name in self.responses.responses:
            text = self.responses.text(name).split("\n")[0]
            out[name] = text if len(text) <= 24 else text[:23] + "…"
        return out

    @property
    def upload_limit(self) -> int:
        """Largest request body of a document upload: the import limit, and room for the form around it."""
        return int(self.settings.import_max_mb * 1024 * 1024) + 64 * 1024

    def warm_up(self) -> None:
        """At start-up, in a thread: the model and the index, then the saved cases on the live index."""
        self.tester.warm_up()
        self.checks.prime(self.workspace.cases())

    @staticmethod
    def author(trainer: Trainer) -> Author:
        return Author(trainer.name, trainer.email)


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
        Route("/checks/{check_id}", handler(checks.page, editor=True)),
        Route("/checks/{check_id}/publish", handler(checks.publish, editor=True), methods=["POST"]),
        Route("/checks/{check_id}/back", handler(checks.back, editor=True), methods=["POST"]),
        Route("/cases", handler(cases.listing)),
        Route("/cases/run", handler(cases.run_all), methods=["POST"]),
        Route("/cases/new", handler(cases.create, editor=True), methods=["POST"]),
        Route("/cases/{case_id}/delete", handler(cases.delete, editor=True), methods=["POST"]),
        Route("/inbox", handler(inbox.page)),
        Route("/inbox/attach", handler(inbox.attach, editor=True), methods=["POST"]),
        Route("/inbox/case", handler(inbox.save_case, editor=True), methods=["POST"]),
        Route("/inbox/mark", handler(inbox.mark, editor=True), methods=["POST"]),
        Route("/dashboard", handler(dashboard.page)),
        Route("/dashboard/{plot}.png", handler(dashboard.plot)),
        Route("/import", handler(importing.page)),
        Route("/import", handler(importing.upload, editor=True, files=1), methods=["POST"]),
        Route("/import/{draft_id}", handler(importing.draft, editor=True)),
        Route("/import/{draft_id}/delete", handler(importing.delete, editor=True), methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: error_page, Exception: error_page})
    app.state.services = services
    app.add_middleware(Guard, services=services)
    if warm_up:
        threading.Thread(target=services.warm_up, name="warm-up", daemon=True).start()
    return app
