"""Rasa's socket.io channel (/socket.io) with checked events, behind the reply guard.

Rasa's own handler fails silently on an event that is not an object (`"hi"`, `[1]`) or whose
`message` is not text, and skips the guard (guard.py). Here such an event gets a short Chinese
reply on the bot message event (validation.socket_event), and every message goes through the guard.

    credentials.yml:
      rasa_addons.channels.socketio.GuardedSocketIOInput:
        user_message_evt: user_uttered
        bot_message_evt: bot_uttered
        session_persistence: false
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from rasa_addons.channels.guard import guard
from rasa_addons.channels.validation import BadRequest, socket_event

log = logging.getLogger(__name__)


class GuardedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guard(on_new_message))
        self._check_user_events()
        return blueprint

    def _check_user_events(self) -> None:
        """Put the event check in front of Rasa's handler of user messages (after `blueprint`)."""
        namespace = self.namespace or "/"
        handle_message = self.sio.handlers[namespace][self.user_message_evt]

        async def checked(sid: str, data: Any = None, *_: Any) -> None:
            try:
                event = socket_event(data, self.metadata_key)
            except BadRequest as refused:
                log.warning("refused a socket.io message: %s", refused.reason)
                await self.sio.emit(self.bot_message_evt, {"text": refused.message}, room=sid, namespace=namespace)
                return
            if self.session_persistence and not event.get("session_id"):
                # Rasa ignores such a message (silence); the socket's own id is a session of its own,
                # and every socket is in the room of its id, so the reply reaches it.
                event = {**event, "session_id": sid}
            await handle_message(sid, event)

        self.sio.on(self.user_message_evt, namespace=namespace)(checked)
