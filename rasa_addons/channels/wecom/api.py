"""The WeCom message API client for a self-built app: access token (cached) and text messages.

`gettoken` turns the CorpID and the app's Secret into an access token valid for `expires_in`
seconds (7200); it is cached and fetched again shortly before it expires, or at once when WeCom
says it is invalid or expired (errcode 40001, 40014, 42001). Neither the secret nor the token
ever appears in an error message or log line.

Usage:
    api = MessageApi(base_url="https://qyapi.weixin.qq.com", corp_id="ww…", secret="…", agent_id="1000002")
    await api.send_text("ZhangSan", "您好")
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp

#: errcodes meaning "get a new access token and try again".
TOKEN_ERRCODES = frozenset({40001, 40014, 42001})
#: fetch a new token this long before WeCom's expiry, so that no request races the expiry.
EXPIRY_MARGIN_SECONDS = 300
REQUEST_TIMEOUT_SECONDS = 10

#: (method, path, query, json body) -> decoded JSON reply
Transport = Callable[[str, str, dict[str, str], dict[str, Any] | None], Awaitable[dict[str, Any]]]


class ApiError(RuntimeError):
    """WeCom refused a request or could not be reached; the message is safe to log."""

    def __init__(self, message: str, errcode: int | None = None) -> None:
        super().__init__(message)
        self.errcode = errcode


class MessageApi:
    def __init__(
        self,
        base_url: str,
        corp_id: str,
        secret: str,
        agent_id: str,
        transport: Transport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"WeCom API base must be an http(s) URL, not {base_url!r}")
        if not corp_id or not secret:
            raise ValueError("WeCom CorpID and Secret are required for the message API")
        if not str(agent_id).isdigit():
            raise ValueError(f"WeCom AgentId must be a number, not {agent_id!r}")
        self.base_url = base_url.rstrip("/")
        self._corp_id = corp_id
        self._secret = secret
        self._agent_id = int(agent_id)
        self._transport = transport or self._http
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock: asyncio.Lock | None = None

    def __repr__(self) -> str:
        return f"MessageApi(base_url={self.base_url!r}, agent_id={self._agent_id})"

    async def send_text(self, user: str, content: str) -> None:
        body = {"touser": user, "msgtype": "text", "agentid": self._agent_id, "text": {"content": content}}
        reply = await self._call_with_token("POST", "/cgi-bin/message/send", body)
        if reply.get("invaliduser"):
            raise ApiError(f"message/send: user {user!r} is not reachable by this app (invaliduser)")

    async def _call_with_token(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        token = await self.access_token()
        reply = await self._transport(method, path, {"access_token": token}, body)
        if _errcode(reply) in TOKEN_ERRCODES:  # revoked or expired early: one retry with a new token
            token = await self.access_token(rejected=token)
            reply = await self._transport(method, path, {"access_token": token}, body)
        errcode = _errcode(reply)
        if errcode:
            raise ApiError(f"{path}: errcode {errcode} ({reply.get('errmsg', '')})", errcode)
        return reply

    async def access_token(self, rejected: str | None = None) -> str:
        """The cached token, or a new one when it is missing, about to expire, or was `rejected`."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # one gettoken at a time; waiters reuse its result
            usable = self._token is not None and self._token != rejected and self._clock() < self._expires_at
            if usable:
                return self._token
            reply = await self._transport(
                "GET", "/cgi-bin/gettoken", {"corpid": self._corp_id, "corpsecret": self._secret}, None
            )
            errcode = _errcode(reply)
            if errcode or not reply.get("access_token"):
                raise ApiError(f"gettoken: errcode {errcode} ({reply.get('errmsg', '')})", errcode)
            self._token = str(reply["access_token"])
            lifetime = int(reply.get("expires_in") or 7200)
            self._expires_at = self._clock() + max(lifetime - EXPIRY_MARGIN_SECONDS, lifetime // 2)
            return self._token

    async def _http(self, method: str, path: str, query: dict[str, str], body: dict[str, Any] | None) -> dict[str, Any]:
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.request(method, self.base_url + path, params=query, json=body) as response,
            ):
                if response.status != 200:
                    raise ApiError(f"{path}: HTTP {response.status} from {self.base_url}")
                return await response.json(content_type=None)
        except ApiError:
            raise
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            # str(exc) may contain the request URL and with it the secret or token: name the type only.
            raise ApiError(f"{path}: cannot reach {self.base_url} ({type(exc).__name__})") from None


def _errcode(reply: dict[str, Any]) -> int:
    try:
        return int(reply.get("errcode") or 0)
    except (TypeError, ValueError):
        return -1
