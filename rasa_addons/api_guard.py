"""Checks of JSON bodies sent to Rasa's HTTP API, so that malformed ones get a 400, not a 500.

Rasa 3.6's API trusts the shape of what it parses: `[1]` or `{"text": 1}` sent to
`/conversations/<id>/messages` or `/model/parse` ends in a 500. Requests that passed the token
check are checked here first, for the routes that take a JSON object; Rasa's own validation
(event schemas, …) still applies afterwards.

Usage:
    check_api_request("POST", "/model/parse", b'{"text": 1}').status  # → 400
    check_api_request("POST", "/model/parse", '{"text": "你好"}'.encode()) is None  # → True
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from rasa_addons.channels.validation import BadRequest

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
