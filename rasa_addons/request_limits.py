"""Request bodies bounded before they are read, and requests that must arrive in time.

Sanic (under Rasa 3.6) accepts bodies up to 100 MB and reads them whole before any handler or
middleware runs, so the chat channels' own size checks came too late: six 95 MB posts took the
Rasa server from 977 to 1,545 MB. Here, on the app Rasa builds:

- `REQUEST_MAX_SIZE` is `MAX_API_BYTES` (1 MB: Rasa's API takes small JSON bodies; models are
  loaded from a path or URL, not uploaded here);
- the chat routes (`/webhooks/…`, `/socket.io/`) get `MAX_CHAT_BYTES` (64 KB), set when the route
  is known and before the body is read (Sanic's `http.routing.after` signal): a bigger declared
  `Content-Length` is refused at once, a chunked body as soon as it passes the limit, with a 413
  and a short Chinese JSON error;
- `REQUEST_TIMEOUT` is 10 s: a client that sends its request slowly (slowloris) holds a
  connection for 10 s at most, not Sanic's default 60 s.

Usage (once, before Rasa builds its app):
    bound_requests()
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_API_BYTES = 1024 * 1024
MAX_CHAT_BYTES = 64 * 1024
REQUEST_TIMEOUT_SECONDS = 10
CHAT_PREFIXES = ("/webhooks/", "/socket.io")


def body_limit(path: str) -> int:
    """The largest body a request to `path` may have."""
    return MAX_CHAT_BYTES if path.startswith(CHAT_PREFIXES) else MAX_API_BYTES


def harden(app: Any) -> Any:
    """Set the limits on a Sanic app (see the module docstring)."""
    from sanic import response
    from sanic.exceptions import PayloadTooLarge

    app.config.REQUEST_MAX_SIZE = MAX_API_BYTES
    app.config.REQUEST_TIMEOUT = REQUEST_TIMEOUT_SECONDS

    @app.signal("http.routing.after")
    async def limit_body(request: Any, route: Any, kwargs: Any, handler: Any) -> None:
        if request.stream is not None:
            request.stream.request_max_size = min(request.stream.request_max_size, body_limit(request.path))

    async def too_large(request: Any, exception: Exception) -> Any:
        limit = body_limit(request.path) // 1024
        log.warning("refused a request to %s: body over %d KB", request.path, limit)
        return response.json({"error": f"请求内容过大（上限 {limit} KB）。"}, status=413, ensure_ascii=False)

    app.error_handler.add(PayloadTooLarge, too_large)
    return app


def bound_requests() -> None:
    """Wrap the two functions that build Rasa's Sanic app (with and without the HTTP API)."""
    import rasa.core.run
    import rasa.server

    def bounded(factory: Callable[..., Any]) -> Callable[..., Any]:
        if getattr(factory, "bounded", False):
            return factory

        def create(*args: Any, **kwargs: Any) -> Any:
            return harden(factory(*args, **kwargs))

        create.bounded = True  # type: ignore[attr-defined]
        return create

    rasa.server.create_app = bounded(rasa.server.create_app)
    rasa.core.run._create_app_without_api = bounded(rasa.core.run._create_app_without_api)
