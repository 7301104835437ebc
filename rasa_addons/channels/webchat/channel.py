"""The web chat page and its socket.io channel: Rasa's SocketIOInput, fixed and locked down.

What it adds to Rasa 3.6's socket.io channel:
- serves the page (static/) at /webhooks/webchat/chat, and socket.io-client's own bundle, installed
  from npm by scripts/setup.sh (web/package.json), so the page needs no CDN;
- joins each socket to its session's room *awaited*: Rasa 3.6 calls python-socketio's `enter_room`,
  a coroutine since 5.10, without awaiting it, so with session persistence every reply went to an
  empty room (RasaHQ/rasa#13027);
- sessions are issued and signed by the server and bound to the sockets that present their token,
  conversations are `webchat:<session>`, messages are rate-limited (socketio.py, ownership.py);
- opens sockets to the page's own origin and to the origins listed in RASA_CORS_ORIGINS only
  (Rasa's channel accepts every origin);
- offers HTTP long-polling only, no WebSocket upgrade: Sanic 21.12's WebSocket implementation fails
  on Python 3.11 (it passes bare coroutines to asyncio.wait), and a browser that tried the upgrade
  lost its connection;
- sends each bot message whole (Rasa's splits a text at blank lines, which tears an answer from its
  source line) and puts every message through the reply guard (guard.py).

Usage, credentials.yml:
    rasa_addons.channels.webchat.channel.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      socketio_client: web/node_modules/socket.io-client/dist/socket.io.min.js
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.origins import ORIGINS_ENV, AllowedOrigins
from rasa_addons.channels.ownership import SessionTokens
from rasa_addons.channels.socketio import GuardedSocketIOInput

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_CLIENT = "web/node_modules/socket.io-client/dist/socket.io.min.js"
#: The page's own files; nothing else under static/ or elsewhere is served.
STATIC_FILES = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
CLIENT_MISSING = "聊天页面的组件未安装，请联系管理员运行 scripts/setup.sh。"
NO_CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
SETTINGS = ("user_message_evt", "bot_message_evt", "session_persistence", "socketio_path", "socketio_client")


class WebChatOutput(SocketIOOutput):
    """Sends a text as one message: the page lays out its paragraphs, list and source line."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text.strip()})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        quick_replies = [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]
        await self._send_message(recipient_id, {"text": text.strip(), "quick_replies": quick_replies})


class WebChatInput(GuardedSocketIOInput):
    """Rasa's socket.io channel plus the chat page; see the module docstring for the differences.

    channel = WebChatInput.from_credentials({"session_persistence": True})
    channel.name(), channel.session_persistence  # → ('webchat', True)
    """

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        unknown = sorted(set(credentials) - set(SETTINGS))
        if unknown:
            raise ValueError(
                f"credentials.yml, {cls.__module__}.{cls.__name__}: unknown keys {unknown}; known: {SETTINGS}"
            )
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            session_persistence=bool(credentials.get("session_persistence", True)),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            socketio_client=Path(credentials.get("socketio_client", DEFAULT_CLIENT)),
            allowed_origins=AllowedOrigins.parse(os.environ.get(ORIGINS_ENV, "")),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        session_persistence: bool = True,
        socketio_path: str = "/socket.io",
        socketio_client: Path = Path(DEFAULT_CLIENT),
        allowed_origins: AllowedOrigins = AllowedOrigins(),
        sessions: SessionTokens | None = None,
    ) -> None:
        if not socketio_path.startswith("/"):
            raise ValueError(f"socketio_path must start with '/', got {socketio_path!r}")
        super().__init__(user_message_evt, bot_message_evt, None, session_persistence, socketio_path, sessions=sessions)
        self.socketio_client = socketio_client
        self.allowed_origins = allowed_origins

    def output(self) -> OutputChannel:
        return WebChatOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        self.sio.eio.cors_allowed_origins = self.allowed_origins
        # Sanic 21.12's WebSocket breaks on Python 3.11 (see above): long-polling only.
        self.sio.eio.transports = ["polling"]
        self.sio.eio.allow_upgrades = False

        # Sanic tags each handler with its blueprint's name, which a bound method cannot carry.
        @blueprint.route("/chat", methods=["GET"])
        async def page(_: Request) -> HTTPResponse:
            return await self._page()

        @blueprint.route("/config", methods=["GET"])
        async def config(_: Request) -> HTTPResponse:
            return self._config()

        @blueprint.route("/static/<name>", methods=["GET"])
        async def static(_: Request, name: str) -> HTTPResponse:
            return await self._static(name)

        @blueprint.route("/socket.io.min.js", methods=["GET"])
        async def client(_: Request) -> HTTPResponse:
            return await self._client()

        return blueprint

    async def _page(self) -> HTTPResponse:
        frame_ancestors = " ".join(["'self'", *sorted(self.allowed_origins.extra)])
        headers = {
            "Content-Security-Policy": f"default-src 'self'; img-src 'self' data:; base-uri 'none'; "
            f"form-action 'none'; frame-ancestors {frame_ancestors}",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        }
        return await response.file(STATIC_DIR / "index.html", mime_type="text/html; charset=utf-8", headers=headers)

    def _config(self) -> HTTPResponse:
        """What the page needs to talk to this channel, as configured in credentials.yml."""
        return response.json(
            {
                "socketio_path": self.socketio_path,
                "user_message_evt": self.user_message_evt,
                "bot_message_evt": self.bot_message_evt,
            }
        )

    async def _static(self, name: str) -> HTTPResponse:
        if name not in STATIC_FILES:
            return response.text("Not found", status=404)
        return await response.file(STATIC_DIR / name, mime_type=STATIC_FILES[name], headers=NO_CACHE)

    async def _client(self) -> HTTPResponse:
        if not self.socketio_client.is_file():
            log.error("web chat: %s is missing; run scripts/setup.sh (npm ci in web/)", self.socketio_client)
            return response.text(f"console.error({CLIENT_MISSING!r});", status=503, content_type="text/javascript")
        return await response.file(self.socketio_client, mime_type=STATIC_FILES["app.js"], headers=NO_CACHE)
