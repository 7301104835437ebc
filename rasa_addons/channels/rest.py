"""Rasa's REST channel (/webhooks/rest/webhook) with validated input, behind the reply guard.

What it adds to Rasa's channel, in the order a request meets it:

1. the client address's rate limit (limits.py): 429 with `Retry-After`, before the body is read
   as JSON; the 429 is sent after up to a second, so a client looping on it slows down;
2. a request a cross-site web page could make a browser send is refused: a body not declared as
   `application/json` (415), an `Origin` that is neither this server's nor in RASA_CORS_ORIGINS
   (403). Sanic has already refused a body over 64 KB without reading it (rasa_addons/serve.py);
3. a malformed request (not JSON, not UTF-8, wrong types, missing fields, oversized metadata)
   gets a 400 with a short Chinese `{"error": "…"}` (validation.py);
4. who may speak for a sender (`sender_auth`, see `SenderAuth`): 401 without the credential;
5. the sender's rate limit: 429;
6. the sender becomes the conversation `rest:<sender>` (ownership.py): a REST caller can never
   reach a WeCom or web chat conversation. Replies name the sender as the client sent it.

A valid request goes to Rasa with control characters removed, and the guard (guard.py) answers
empty, huge or garbled messages.

    credentials.yml:
      rasa_addons.channels.rest.GuardedRestInput:
        action_timeout: 10     # seconds to wait for the action server (action_timeout.py)
        sender_auth: open      # open | secret | jwt
        shared_secret: ${REST_SHARED_SECRET:-}
        jwt_secret: ${RASA_JWT_SECRET:-}
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.action_timeout import DEFAULT_ACTION_TIMEOUT, limit_action_calls
from rasa_addons.channels.guard import RATE_LIMITED, guard, reply
from rasa_addons.channels.limits import limits, whole_seconds
from rasa_addons.channels.origins import ORIGINS_ENV, AllowedOrigins, request_environ
from rasa_addons.channels.ownership import channel_sender, conversation_id
from rasa_addons.channels.validation import BadRequest, ChatRequest, json_request

log = logging.getLogger(__name__)

SENDER_AUTH_MODES = ("open", "secret", "jwt")
#: How long a request over its rate limit waits for its 429: a flooding client that sends again at
#: once would otherwise cost the server a request for every one it refuses.
TARPIT_SECONDS = 1.0
MIN_SECRET_CHARS = 16
SETTINGS = ("action_timeout", "sender_auth", "shared_secret", "jwt_secret")


@dataclass(frozen=True)
class SenderAuth:
    """Who may post as a sender.

    - `open` (the default): whoever reaches the webhook names any sender. Right for a webhook only
      the intranet page's own backend can reach, or for trying the assistant out.
    - `secret`: the integrator's backend authenticates its users itself and sends
      `Authorization: Bearer <shared_secret>` with every request; Rasa trusts the sender it names.
    - `jwt`: every request carries `Authorization: Bearer <JWT>`, signed (HS256) with `jwt_secret`
      by the portal that logged the user in, with an expiry (`exp`), naming the sender as `sub` or
      as Rasa's own `user.username`; a request for another sender is refused.

    SenderAuth("secret", "0123456789abcdef").check("Bearer 0123456789abcdef", "zhangsan")  # no error
    """

    mode: str = "open"
    secret: str = ""

    def __post_init__(self) -> None:
        if self.mode not in SENDER_AUTH_MODES:
            raise ValueError(f"sender_auth must be one of {SENDER_AUTH_MODES}, not {self.mode!r}")
        if self.mode != "open" and len(self.secret) < MIN_SECRET_CHARS:
            needed = "shared_secret (REST_SHARED_SECRET)" if self.mode == "secret" else "jwt_secret (RASA_JWT_SECRET)"
            raise ValueError(f"sender_auth: {self.mode} needs {needed} of at least {MIN_SECRET_CHARS} characters")

    def check(self, authorization: str | None, sender: str) -> None:
        """Raise a 401 BadRequest unless `authorization` may speak for `sender`."""
        if self.mode == "open":
            return
        scheme, _, credential = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise BadRequest(401, "需要身份验证（请求头 Authorization: Bearer …）。", "no bearer credential")
        credential = credential.strip()
        if self.mode == "secret":
            import hmac

            if not hmac.compare_digest(credential.encode(), self.secret.encode()):
                raise BadRequest(401, "身份验证失败。", "wrong shared secret")
            return
        import jwt

        try:
            claims = jwt.decode(credential, self.secret, algorithms=["HS256"], options={"require": ["exp"]})
        except jwt.PyJWTError as exc:
            raise BadRequest(401, "身份验证失败或已过期。", f"JWT refused: {type(exc).__name__}") from None
        subject = claims.get("sub") or (claims.get("user") or {}).get("username")
        if subject != sender:
            raise BadRequest(401, "身份验证的用户与 sender 不符。", "JWT names another sender")


def client_address(request: Request) -> str:
    """The client's address: as a trusted proxy forwarded it (Sanic's PROXIES_COUNT), else the peer's."""
    return request.remote_addr or request.ip


class GuardedRestInput(RestInput):
    """See the module docstring; `GuardedRestInput.from_credentials({...})` builds it from credentials.yml."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any] | None) -> GuardedRestInput:
        credentials = dict(credentials or {})
        unknown = sorted(set(credentials) - set(SETTINGS))
        if unknown:
            raise ValueError(
                f"credentials.yml, {cls.__module__}.{cls.__name__}: unknown keys {unknown}; known: {SETTINGS}"
            )
        limit_action_calls(float(credentials.get("action_timeout") or DEFAULT_ACTION_TIMEOUT))
        mode = str(credentials.get("sender_auth") or "open").strip()
        secret = credentials.get("jwt_secret" if mode == "jwt" else "shared_secret") or ""
        return cls(SenderAuth(mode, str(secret).strip()), AllowedOrigins.parse(os.environ.get(ORIGINS_ENV, "")))

    def __init__(self, sender_auth: SenderAuth = SenderAuth(), origins: AllowedOrigins = AllowedOrigins()) -> None:
        self.sender_auth = sender_auth
        self.origins = origins

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(self._senders_as_sent(guard(on_new_message)))

        @blueprint.middleware("response")
        async def answered(request: Request, _: HTTPResponse) -> None:
            chat = getattr(request.ctx, "chat", None)
            if request.method == "POST" and chat is not None:  # admitted and answered: reading time starts
                limits().answered(conversation_id(self.name(), chat.sender), client_address(request))

        @blueprint.middleware("request")
        async def admit(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            try:
                request.ctx.chat = self._admit(request)
            except BadRequest as refused:
                log.warning(
                    "refused a REST webhook request from %s with %d: %s",
                    client_address(request),
                    refused.status,
                    refused.reason,
                )
                if refused.status == 429:  # a client that loops at once on a 429 waits (a second at most)
                    await asyncio.sleep(min(TARPIT_SECONDS, float(refused.headers["Retry-After"])))
                return response.json(refused.body(), status=refused.status, headers=refused.headers, ensure_ascii=False)
            return None

        return blueprint

    def _admit(self, request: Request) -> ChatRequest:
        """The checks of the module docstring, cheapest first."""
        too_fast(limits().wait_address(client_address(request)), "address")
        headers = request.headers
        environ = request_environ(request)
        json_request(headers.get("content-type"), headers.get("origin"), lambda origin: self.origins(origin, environ))
        chat = ChatRequest.parse(request.body or b"")
        self.sender_auth.check(headers.get("authorization"), chat.sender)
        too_fast(limits().wait_sender(conversation_id(self.name(), chat.sender), client_address(request)), "sender")
        return chat

    def _senders_as_sent(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Callable[[Any], Awaitable[None]]:
        """Replies name the client's own sender (`u1`), not the conversation id (`rest:u1`)."""

        async def handle(message: UserMessage) -> None:
            out = message.output_channel
            if isinstance(out, CollectingOutputChannel):
                persist = out._persist_message

                async def as_sent(data: dict[str, Any]) -> None:
                    recipient = data.get("recipient_id")
                    sender = channel_sender(self.name(), recipient) if isinstance(recipient, str) else None
                    await persist({**data, "recipient_id": sender} if sender is not None else data)

                out._persist_message = as_sent  # type: ignore[method-assign]
            await on_new_message(message)

        return handle

    async def _extract_sender(self, req: Request) -> str:
        return conversation_id(self.name(), req.ctx.chat.sender)

    def _extract_message(self, req: Request) -> str:
        return req.ctx.chat.message

    def _extract_input_channel(self, req: Request) -> str:
        return req.ctx.chat.input_channel or self.name()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        return request.ctx.chat.metadata


def too_fast(wait: float | None, what: str) -> None:
    """A 429 with the polite reply of domain.yml and `Retry-After`, if there is a wait."""
    if wait is None:
        return
    seconds = whole_seconds(wait)
    raise BadRequest(
        429, reply(RATE_LIMITED, seconds=seconds), f"{what} over its rate limit", {"Retry-After": str(seconds)}
    )
