"""Whose conversation a message belongs to: ids namespaced per channel, and signed web chat sessions.

Rasa keys a conversation by the sender id alone, whatever the channel: an anonymous REST call with
`"sender": "zhangsan"` continued the WeCom conversation of user zhangsan, and saw its topic. Here
every channel puts its own name in front (`conversation_id`): `wecom:zhangsan`, `rest:zhangsan`
and `webchat:<session>` are three conversations, and a REST caller can only ever reach `rest:…`.
The ids of the HTTP API (`/conversations/wecom:zhangsan/tracker`) and of the tracker store are
these.

A web chat session id used to be the browser's own choice, and any socket that named it got its
answers. Now the server issues it (`SessionTokens`): the browser keeps `<id>.<signature>`, where
the signature is an HMAC of the id with a server secret; only the id (`webchat:<id>`) is ever
stored or logged, so what the logs, the database or the HTTP API show is no key to a session.
A socket must present the signed token to join a session; a message for another session than
the one its socket joined is refused.

The secret comes from `WEBCHAT_SESSION_SECRET` (scripts/run.sh creates one in
`var/secrets/webchat-session-secret` on first start, mode 0600, shared by the servers of a
cluster started from one checkout; servers on several machines need the same value).

Usage:
    conversation_id("rest", "zhangsan")  # → 'rest:zhangsan'
    tokens = SessionTokens(b"secret")
    token = tokens.issue()
    tokens.verify(token) == token.split(".")[0], tokens.verify("someone-elses-id")  # → (True, None)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
from collections.abc import Mapping

log = logging.getLogger(__name__)

SEPARATOR = ":"
SECRET_ENV = "WEBCHAT_SESSION_SECRET"
MIN_SECRET_BYTES = 16
#: `<id>.<signature>`: 22 characters each (128 bits, base64url); ids of 16-64 are accepted.
TOKEN = re.compile(r"(?P<id>[A-Za-z0-9_-]{16,64})\.(?P<signature>[A-Za-z0-9_-]{22})")


def conversation_id(channel: str, sender: str) -> str:
    """The tracker id of `sender` on `channel`: the channel's name in front."""
    return f"{channel}{SEPARATOR}{sender}"


def channel_sender(channel: str, conversation: str) -> str | None:
    """The sender of `conversation` if it belongs to `channel`, else None.

    channel_sender("wecom", "wecom:zhangsan"), channel_sender("wecom", "rest:zhangsan")  # → ('zhangsan', None)
    """
    prefix = channel + SEPARATOR
    return conversation[len(prefix) :] if conversation.startswith(prefix) else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SessionTokens:
    """Issues and checks web chat session tokens (`<id>.<HMAC-SHA256 of the id>`)."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"{SECRET_ENV} must have at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SessionTokens:
        env = os.environ if env is None else env
        secret = env.get(SECRET_ENV, "").strip()
        if not secret:
            log.warning(
                "%s is not set: web chat sessions are signed with a key of this process only and "
                "end when it restarts (scripts/run.sh sets one)",
                SECRET_ENV,
            )
            return cls(secrets.token_bytes(32))
        return cls(secret.encode("utf-8"))

    def _signature(self, session: str) -> str:
        digest = hmac.new(self._secret, f"webchat-session:{session}".encode(), hashlib.sha256).digest()
        return _b64(digest[:16])

    def issue(self) -> str:
        session = _b64(secrets.token_bytes(16))
        return f"{session}.{self._signature(session)}"

    def verify(self, token: object) -> str | None:
        """The session id of a token this server issued, else None (a bare id is not a token)."""
        if not isinstance(token, str):
            return None
        match = TOKEN.fullmatch(token)
        if match is None or not hmac.compare_digest(match["signature"], self._signature(match["id"])):
            return None
        return match["id"]
