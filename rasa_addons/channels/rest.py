"""Rasa's REST channel (/webhooks/rest/webhook) with validated input, behind the reply guard.

A malformed request (not JSON, not UTF-8, wrong types, missing fields) gets a 400 with a short
Chinese `{"error": "…"}` (validation.py); a body over 4 MB a 413. A valid one goes to Rasa with
control characters removed, and the guard (guard.py) answers empty, huge or garbled messages.

    credentials.yml:
      rasa_addons.channels.rest.GuardedRestInput:
        action_timeout: 10     # seconds to wait for the action server (action_timeout.py)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.action_timeout import DEFAULT_ACTION_TIMEOUT, limit_action_calls
from rasa_addons.channels.guard import guard
from rasa_addons.channels.validation import BadRequest, ChatRequest

log = logging.getLogger(__name__)


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        limit_action_calls(float((credentials or {}).get("action_timeout", DEFAULT_ACTION_TIMEOUT)))
        return cls()

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guard(on_new_message))

        @blueprint.middleware("request")
        async def validate(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                request.ctx.chat = ChatRequest.parse(request.body or b"")
            except BadRequest as refused:
                log.warning("refused a REST webhook request with %d: %s", refused.status, refused.reason)
                return response.json(refused.body(), status=refused.status, ensure_ascii=False)
            return None

        return blueprint

    async def _extract_sender(self, req: Request) -> str:
        return req.ctx.chat.sender

    def _extract_message(self, req: Request) -> str:
        return req.ctx.chat.message

    def _extract_input_channel(self, req: Request) -> str:
        return req.ctx.chat.input_channel or self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return request.ctx.chat.metadata
