"""Validation of what clients send to the chat channels, before Rasa sees it.

Rasa's REST channel trusts its input: an empty body is a 500, `{"sender": 1, "message": 2}` an
empty reply. Here every request either becomes a clean `ChatRequest` or a `BadRequest` whose
`message` is a short Chinese sentence for the client and `reason` an English one for the log.

Decisions (documented in README, "Security notes"):
- the body is JSON sent as `application/json`: a form or `text/plain` post, which any web page can
  make a browser send to another site without asking (a "simple" cross-site request), is refused
  with 415; a request that names an `Origin` must name the server's own or an allowed one (403);
- at most MAX_BODY_BYTES (64 KB; Sanic refuses bigger bodies before reading them, see
  rasa_addons/serve.py); a 500-character question and its metadata take a few KB;
- `sender` is a string of 1..MAX_SENDER_CHARS characters; an integer sender (some systems number
  their users) is accepted as its decimal string; anything else is refused.
- `message` must be a string; an empty or overlong string is still accepted here, because the
  reply guard (guard.py) answers those politely.
- `metadata`, stored by Rasa with every message, is a JSON object of at most MAX_METADATA_KEYS
  keys and MAX_METADATA_BYTES bytes (as compact JSON); a bigger one is refused, not cut.
- control characters (except newline and tab) and unpaired surrogates are removed from text.

Usage:
    ChatRequest.parse('{"sender": 7, "message": "什么是移情服务\\u0000"}'.encode())  # → ChatRequest(sender='7', message='什么是移情服务', metadata=None, input_channel=None)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
MAX_METADATA_BYTES = 2048
MAX_METADATA_KEYS = 20
#: What a refused request is answered with.
STATUSES = (400, 401, 403, 413, 415, 429)
EXAMPLE = '{"sender": "u1", "message": "什么是移情服务"}'

# C0/C1 controls except \t and \n; unpaired UTF-16 surrogates (valid in JSON, not encodable).
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class BadRequest(ValueError):
    """A request the channel refuses: `status` (one of STATUSES), `message` for the client
    (Chinese), `reason` for the operator's log (English, never the request content), `headers`
    of the response (e.g. Retry-After)."""

    def __init__(self, status: int, message: str, reason: str, headers: dict[str, str] | None = None) -> None:
        if status not in STATUSES:
            raise ValueError(f"a refused request is one of {STATUSES}, not {status}")
        super().__init__(reason)
        self.status = status
        self.message = message
        self.reason = reason
        self.headers = headers or {}

    def body(self) -> dict[str, str]:
        return {"error": self.message}


def socket_event(data: Any, metadata_key: str = "metadata") -> dict[str, Any]:
    """A socket.io user message event (`{"message": "…", "session_id": "…"}`) checked and cleaned.

    socket_event({"message": "你好\\x07", "session_id": "abc"})  # → {'message': '你好', 'session_id': 'abc'}
    """
    if not isinstance(data, dict):
        raise BadRequest(
            400, '消息格式不正确，请发送 {"message": "您的问题"}。', f"event data is a {type(data).__name__}"
        )
    event = dict(data, message=_message(data))
    session_id = data.get("session_id")
    if session_id is not None:
        if isinstance(session_id, int) and not isinstance(session_id, bool):
            session_id = str(session_id)
        if not isinstance(session_id, str) or len(session_id) > MAX_SENDER_CHARS:
            raise BadRequest(400, "session_id 字段必须是不超过 128 个字符的字符串。", "bad session_id")
        event["session_id"] = clean_text(session_id)
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):  # Rasa's channel accepts metadata as a JSON string
        try:
            metadata = json.loads(metadata)
        except (ValueError, RecursionError):
            metadata = "not JSON"
    if metadata_key in data:
        event[metadata_key] = _metadata(metadata)
    return event


def json_request(content_type: str | None, origin: str | None, origin_allowed: Callable[[str], bool]) -> None:
    """Refuse what a cross-site web page could make a browser send: a body that is not declared
    as JSON, or a request from an origin that is neither this server's nor an allowed one.

    `origin_allowed`: whether an `Origin` is the server's own or in RASA_CORS_ORIGINS (origins.py).

    json_request("text/plain", None, lambda origin: False)  # raises BadRequest(415, ...)
    """
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise BadRequest(
            415,
            "请以 JSON 格式发送（请求头 Content-Type: application/json）。",
            f"content type {media_type or '(none)'!r}",
        )
    if origin is not None and not origin_allowed(origin):
        raise BadRequest(403, "不接受来自该网页来源（Origin）的请求。", "origin not allowed")


def clean_text(text: str) -> str:
    """`text` without control characters (newline and tab kept) and unpaired surrogates."""
    return _UNWANTED.sub("", text)


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str
    metadata: dict[str, Any] | None = None
    input_channel: str | None = None

    @classmethod
    def parse(cls, body: bytes) -> ChatRequest:
        """A REST webhook body (raw bytes) as a request, or BadRequest."""
        if len(body) > MAX_BODY_BYTES:
            raise BadRequest(
                413,
                f"请求内容过大（上限 {MAX_BODY_BYTES // 1024} KB），请精简消息后再发送。",
                f"body of {len(body)} bytes",
            )
        if not body.strip():
            raise BadRequest(400, f"请求内容为空。请发送 JSON，例如 {EXAMPLE}", "empty body")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest(400, "请求内容不是有效的 UTF-8 编码。", "body is not UTF-8") from None
        try:
            data = json.loads(text, strict=False, parse_constant=_refuse_constant)  # raw controls: removed below
        except (ValueError, RecursionError):
            raise BadRequest(400, f"请求内容不是有效的 JSON。示例：{EXAMPLE}", "body is not JSON") from None
        return cls.from_mapping(data)

    @classmethod
    def from_mapping(cls, data: Any) -> ChatRequest:
        """An already decoded JSON value (a socket.io event's payload, say) as a request."""
        if not isinstance(data, dict):
            raise BadRequest(400, f"请求内容必须是 JSON 对象，例如 {EXAMPLE}", f"body is a {type(data).__name__}")
        return cls(
            sender=_sender(data),
            message=_message(data),
            metadata=_metadata(data.get("metadata")),
            input_channel=_input_channel(data.get("input_channel")),
        )


def _sender(data: dict[str, Any]) -> str:
    if "sender" not in data or data["sender"] is None:
        raise BadRequest(400, "缺少 sender 字段（会话标识，例如用户编号）。", "no sender")
    sender = data["sender"]
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str):
        raise BadRequest(400, "sender 字段必须是字符串（或整数）。", f"sender is a {type(sender).__name__}")
    sender = clean_text(sender).strip()
    if not 0 < len(sender) <= MAX_SENDER_CHARS:
        raise BadRequest(
            400, f"sender 字段不能为空，且不能超过 {MAX_SENDER_CHARS} 个字符。", f"sender of {len(sender)} characters"
        )
    return sender


def _message(data: dict[str, Any]) -> str:
    if "message" not in data or data["message"] is None:
        raise BadRequest(400, "缺少 message 字段（您要问的问题）。", "no message")
    message = data["message"]
    if not isinstance(message, str):
        raise BadRequest(400, "message 字段必须是文本（字符串）。", f"message is a {type(message).__name__}")
    return clean_text(message)


def _metadata(metadata: Any) -> dict[str, Any] | None:
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise BadRequest(400, "metadata 字段必须是 JSON 对象。", f"metadata is a {type(metadata).__name__}")
    try:
        size = len(json.dumps(metadata, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (TypeError, ValueError, RecursionError):  # e.g. binary parts of a socket.io event
        raise BadRequest(400, "metadata 字段必须是 JSON 对象。", "metadata is not JSON") from None
    if len(metadata) > MAX_METADATA_KEYS or size > MAX_METADATA_BYTES:
        raise BadRequest(
            400,
            f"metadata 字段过大（上限 {MAX_METADATA_KEYS} 个键、{MAX_METADATA_BYTES} 字节）。",
            f"metadata of {len(metadata)} keys, {size} bytes",
        )
    return metadata


def _input_channel(channel: Any) -> str | None:
    if channel is None:
        return None
    if not isinstance(channel, str) or not 0 < len(clean_text(channel).strip()) <= 64:
        raise BadRequest(400, "input_channel 字段必须是不超过 64 个字符的字符串。", "bad input_channel")
    return clean_text(channel).strip()


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
