"""Rasa's socket.io channel (/socket.io) with checked events and sessions bound to their socket.

What it changes in Rasa's channel (the web chat page's channel, webchat/, is this one plus the page):

- an event that is not an object (`"hi"`, `[1]`) or whose `message` is not text gets a short
  Chinese reply on the bot message event (validation.socket_event) instead of silence;
- sessions belong to whoever the server gave them to (ownership.py): `session_request` answers
  with a signed token the server issued, never with the id the client proposed; a socket joins
  the session whose token it presents, and only that one; a message for another session than
  the one its socket joined, or with a token the server did not sign, is refused. Rasa's channel
  let any socket that named a session id join it and write into it;
- the conversation is `<channel>:<session id>` (`webchat:…`), and the socket.io room of the session
  has that name, so Rasa's replies (addressed to the conversation) reach the sockets of the
  session and no others;
- every message counts against the sender's and the client address's rate limits (limits.py),
  and goes through the reply guard (guard.py).

Without `session_persistence` the conversation is the socket's own (`socketio:<sid>`), as in Rasa.

    credentials.yml:
      rasa_addons.channels.socketio.GuardedSocketIOInput:
        user_message_evt: user_uttered
        bot_message_evt: bot_uttered
        session_persistence: false
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from rasa_addons.channels.guard import RATE_LIMITED, guard, reply
from rasa_addons.channels.limits import limits, whole_seconds
from rasa_addons.channels.ownership import SessionTokens, conversation_id
from rasa_addons.channels.validation import BadRequest, socket_event

log = logging.getLogger(__name__)

NOT_YOURS = "这个会话不属于当前连接，请刷新页面开始新的对话。"


def socket_address(environ: Mapping[str, Any]) -> str:
    """The client's address of a socket.io connection (engine.io's Sanic driver keeps the request)."""
    request = environ.get("sanic.request")
    if request is not None:
        return request.remote_addr or request.ip
    return str(environ.get("REMOTE_ADDR", ""))


class GuardedSocketIOInput(SocketIOInput):
    """See the module docstring; arguments are those of Rasa's `SocketIOInput`, plus the `sessions`
    that sign session tokens (default: from WEBCHAT_SESSION_SECRET)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, *args: Any, sessions: SessionTokens | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions or SessionTokens.from_env()
        self._rooms: dict[str, str] = {}  # socket id -> the conversation (room) it joined
        self._addresses: dict[str, str] = {}  # socket id -> client address

    def output(self) -> OutputChannel:
        """Where a turn's replies go (to the room of the conversation)."""
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        blueprint = SocketIOInput.blueprint(self, on_new_message)  # Rasa's routes and server
        self._own_the_sessions(guard(on_new_message))
        return blueprint

    def _own_the_sessions(self, guarded: Callable[[UserMessage], Awaitable[None]]) -> None:
        """Replace Rasa's handlers of connections, sessions and user messages."""
        namespace = self.namespace or "/"
        rasa_connect = self.sio.handlers[namespace]["connect"]

        async def connect(sid: str, environ: dict, auth: dict | None = None) -> bool:
            if await rasa_connect(sid, environ, auth) is False:  # Rasa's JWT check, if configured
                return False
            self._addresses[sid] = socket_address(environ)
            return True

        async def disconnect(sid: str) -> None:
            self._rooms.pop(sid, None)
            self._addresses.pop(sid, None)

        async def session_request(sid: str, data: Any = None) -> None:
            token = data.get("session_id") if isinstance(data, dict) else None
            session = self.sessions.verify(token)
            if session is None:  # none yet, or one this server did not issue: a new session
                token = self.sessions.issue()
                session = self.sessions.verify(token)
            if self.session_persistence:
                await self._join(sid, conversation_id(self.name(), str(session)))
            await self.sio.emit("session_confirm", token, room=sid, namespace=namespace)

        async def user_message(sid: str, data: Any = None, *_: Any) -> None:
            try:
                event = socket_event(data, self.metadata_key)
                conversation = await self._conversation_of(sid, event.get("session_id"))
            except BadRequest as refused:
                log.warning("refused a socket.io message from %s: %s", self._addresses.get(sid), refused.reason)
                await self.sio.emit(self.bot_message_evt, {"text": refused.message}, room=sid, namespace=namespace)
                return
            wait = limits().wait(conversation, self._addresses.get(sid))
            if wait is not None:
                log.warning("socket.io message of %s refused: over its rate limit", conversation)
                text = reply(RATE_LIMITED, seconds=whole_seconds(wait))
                await self.sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=namespace)
                return
            message = UserMessage(
                event["message"],
                self.output(),
                conversation,
                input_channel=self.name(),
                metadata=event.get(self.metadata_key),
            )
            await guarded(message)
            limits().answered(conversation, self._addresses.get(sid))  # reading time starts (limits.py)

        for name, handler in (
            ("connect", connect),
            ("disconnect", disconnect),
            ("session_request", session_request),
            (self.user_message_evt, user_message),
        ):
            self.sio.on(name, namespace=namespace)(handler)

    async def _join(self, sid: str, room: str) -> None:
        """Put the socket in the room of `room` (and out of the one it was in)."""
        previous = self._rooms.get(sid)
        if previous == room:
            return
        if previous is not None:
            await self.sio.leave_room(sid, previous, namespace=self.namespace or "/")
        await self.sio.enter_room(sid, room, namespace=self.namespace or "/")
        self._rooms[sid] = room

    async def _conversation_of(self, sid: str, claimed: str | None) -> str:
        """The conversation a message of socket `sid` belongs to, or BadRequest."""
        bound = self._rooms.get(sid)
        if not self.session_persistence or (claimed is None and bound is None):
            # the socket's own conversation; every socket is also in the room of its id
            own = conversation_id(self.name(), sid)
            await self._join(sid, own)
            return own
        if claimed is None:
            return str(bound)
        session = self.sessions.verify(claimed)
        conversation = conversation_id(self.name(), session) if session else None
        if conversation is None or (bound is not None and conversation != bound):
            raise BadRequest(403, NOT_YOURS, "a session this socket did not join, or an unsigned one")
        await self._join(sid, conversation)
        return conversation
