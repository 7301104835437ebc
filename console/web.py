"""Page rendering shared by the console's handlers: the Jinja2 environment, the navigation, Markdown.

Markdown is rendered by markdown-it with raw HTML off: a `<script>` or `onerror=` a trainer types
shows as text, and links with `javascript:` are not links. Templates autoescape everything else.

The navigation is one list (`NAVIGATION`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from console import labels

TEMPLATES = Path(__file__).parent / "templates"
#: (path, label): the top navigation, in order.
NAVIGATION = [
    ("/entries", "知识条目"),
    ("/inbox", "收件箱"),
    ("/test", "命中测试"),
    ("/cases", "测试用例"),
    ("/dashboard", "使用情况"),
    ("/import", "导入文档"),
    ("/history", "修改记录"),
]

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.globals.update(labels=labels, navigation=NAVIGATION)
templates.env.filters["markdown"] = lambda text: Markup(_markdown.render(text or ""))  # noqa: S704 (html off)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
    state = request.scope.get("state", {})
    session = state.get("session")
    services = getattr(request.app.state, "services", None)
    base = {
        "trainer": state.get("trainer"),
        "csrf": session.csrf if session else "",
        "path": request.url.path,
        "replies": services.replies if services is not None else {},
    }
    return templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status)


def is_htmx(request: Request) -> bool:
    return bool(request.headers.get("hx-request"))
