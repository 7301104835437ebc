"""Rasa's HTTP API: the token in an `Authorization` header, and malformed JSON refused with a 400.

Authentication (`authenticate_api_requests`): Rasa 3.6 accepts its token only in the query string
(`?token=…`), where it ends up in proxy logs, browser history and, with curl, in `ps`. Here the
token is also accepted as `Authorization: Bearer <token>` (compared in constant time); JWTs
(`RASA_JWT_SECRET`) and `?token=` work as in Rasa. Everything else of Rasa's check is Rasa's:
a request without valid credentials gets Rasa's own 401 (403 for a JWT without the scope), before
anything else looks at it.

Bodies (`check_api_request`): Rasa's API trusts the shape of what it parses: `[1]` or
`{"text": 1}` sent to `/conversations/<id>/messages` or `/model/parse` ends in a 500. A request
that passed Rasa's authentication is checked here, for the routes that take a JSON object;
Rasa's own validation (event schemas, …) still applies afterwards. Both are installed by wrapping
`rasa.server.requires_auth`, the decorator of every API route, so the order is Rasa's check, then
this one, then the route.

Usage:
    check_api_request("POST", "/model/parse", b'{"text": 1}').status  # → 400
    check_api_request("POST", "/model/parse", '{"text": "你好"}'.encode()) is None  # → True
    authenticate_api_requests()   # once, before Rasa builds its app (rasa_addons.serve)
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Callable, Collection
from functools import wraps
from inspect import isawaitable
from typing import Any

from rasa_addons.channels.validation import BadRequest

log = logging.getLogger(__name__)

_ID = r"/conversations/[^/]+(?:/[^/]+)*?"
#: route -> {field: (required, allowed types)} for the API routes that take a JSON object
ROUTES: dict[re.Pattern[str], dict[str, tuple[bool, tuple[type, ...]]]] = {
    re.compile(r"/model/parse"): {"text": (True, (str,)), "message_id": (False, (str,))},
    re.compile(_ID + r"/messages"): {"text": (True, (str,)), "sender": (True, (str,)), "parse_data": (False, (dict,))},
    re.compile(_ID + r"/trigger_intent"): {"name": (True, (str,)), "entities": (False, (dict,))},
    re.compile(_ID + r"/execute"): {
        "name": (True, (str,)),
        "policy": (False, (str,)),
        "confidence": (False, (int, float)),
    },
}
JSON_ROUTES = (re.compile(_ID + r"/tracker/events"), re.compile(r"/model/predict"))


def check_api_request(method: str, path: str, body: bytes, actions: Collection[str] | None = None) -> BadRequest | None:
    """Why Rasa's API must refuse this request, or None to let Rasa handle it.

    `actions`: the domain's action names, when known; Rasa answers an unknown one with a 500.
    """
    if method not in ("POST", "PUT"):
        return None
    fields = next((spec for route, spec in ROUTES.items() if route.fullmatch(path)), None)
    if fields is None and not any(route.fullmatch(path) for route in JSON_ROUTES):
        return None
    if not body.strip():
        return BadRequest(400, "请求内容为空，需要 JSON。", "empty API body")
    try:
        data = json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return BadRequest(400, "请求内容不是有效的 UTF-8 JSON。", "API body is not JSON")
    if fields is None:
        return None
    if not isinstance(data, dict):
        return BadRequest(400, "请求内容必须是 JSON 对象。", f"API body is a {type(data).__name__}")
    for name, (required, types) in fields.items():
        value = data.get(name)
        if value is None and not required:
            continue
        if not isinstance(value, types) or isinstance(value, bool):
            return BadRequest(400, f"字段 {name} 缺失或类型错误。", f"API field {name} missing or of the wrong type")
        if isinstance(value, str) and re.search(r"[\ud800-\udfff]", value):
            return BadRequest(400, f"字段 {name} 含有无效字符。", f"API field {name} has lone surrogates")
    if actions is not None and path.endswith("/execute") and data["name"] not in actions:
        return BadRequest(400, "没有这个动作（name）。", "API execute of an unknown action")
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def bearer_token(authorization: str | None) -> str | None:
    """The credential of an `Authorization: Bearer …` header."""
    scheme, _, credential = (authorization or "").partition(" ")
    return credential.strip() or None if scheme.lower() == "bearer" else None


def authenticate_api_requests() -> None:
    """Wrap `rasa.server.requires_auth` (see the module docstring)."""
    import rasa.server
    from sanic import response

    rasa_requires_auth = rasa.server.requires_auth
    if getattr(rasa_requires_auth, "checked", False):
        return

    def requires_auth(app: Any, token: str | None = None) -> Callable[[Any], Any]:
        rasa_decorator = rasa_requires_auth(app, token)

        def decorator(handler: Any) -> Any:
            @wraps(handler)
            async def checked(request: Any, *args: Any, **kwargs: Any) -> Any:
                if "emulation_mode" not in request.args:  # other bodies, Rasa's formats
                    domain = getattr(getattr(request.app.ctx, "agent", None), "domain", None)
                    actions = domain.action_names_or_texts if domain is not None else None
                    refused = check_api_request(request.method, request.path, request.body or b"", actions)
                    if refused is not None:
                        log.warning(
                            "refused an HTTP API request to %s with %d: %s",
                            request.path,
                            refused.status,
                            refused.reason,
                        )
                        return response.json(refused.body(), status=refused.status, ensure_ascii=False)
                result = handler(request, *args, **kwargs)
                return await result if isawaitable(result) else result

            authenticated = rasa_decorator(checked)

            @wraps(handler)
            async def decorated(request: Any, *args: Any, **kwargs: Any) -> Any:
                presented = bearer_token(request.headers.get("authorization"))
                if token and presented and hmac.compare_digest(presented.encode(), token.encode()):
                    return await checked(request, *args, **kwargs)
                return await authenticated(request, *args, **kwargs)

            return decorated

        return decorator

    requires_auth.checked = True  # type: ignore[attr-defined]
    rasa.server.requires_auth = requires_auth
