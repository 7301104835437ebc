"""Validate the action server's responses with schemas compiled once, not once per call.

Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)` for
every action call. That function first checks the schema itself against the JSON-Schema metaschema
and builds a new validator, every time; then it tries each event of the response against all 23
event schemas of a `oneOf`. Profiled with py-spy at 10 concurrent conversations, this was half of
the Rasa server's CPU time, and the Rasa server (one process, one core) was what limited answers
per second.

`ActionResultCheck` compiles the schemas once and checks each event against the one schema its
`event` name selects. Every alternative of Rasa's `oneOf` pins `event` to its own constant, so an
event that passes its own schema passes exactly one alternative: the same verdict as Rasa's. A
response that fails goes to Rasa's own method, so the error raised and logged is exactly Rasa's.

Usage (once, before Rasa handles messages):
    validate_action_results_once()
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator


def compiled(schema: Mapping[str, Any]) -> Validator:
    from jsonschema.validators import validator_for

    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


class ActionResultCheck:
    """Rasa's action response schema, with the event `oneOf` dispatched on the event name.

    Usage:
        check = ActionResultCheck(RemoteAction.action_response_format_spec())
        check.is_valid({"events": [{"event": "slot", "name": "topic", "value": None}]})  # True
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        events = schema["properties"]["events"]
        if events.get("type") != "array" or "oneOf" not in events.get("items", {}):
            raise ValueError("expected Rasa's action response schema: events is an array of a oneOf of event schemas")
        event = events["items"]
        self._response = compiled({**schema, "properties": {**schema["properties"], "events": {"type": "array"}}})
        self._event = compiled({key: value for key, value in event.items() if key != "oneOf"})
        self._by_name: dict[str, Validator] = {}
        for alternative in event["oneOf"]:
            name = alternative.get("properties", {}).get("event", {}).get("const")
            if not isinstance(name, str) or name in self._by_name:
                raise ValueError(f"event schema without its own constant name: {alternative!r}")
            self._by_name[name] = compiled(alternative)

    def is_valid(self, result: Any) -> bool:
        if not self._response.is_valid(result):
            return False
        for event in result.get("events", []):
            if not self._event.is_valid(event):
                return False
            specific = self._by_name.get(event["event"])
            if specific is None or not specific.is_valid(event):
                return False
        return True


@cache
def response_check() -> ActionResultCheck:
    from rasa.core.actions.action import RemoteAction

    return ActionResultCheck(RemoteAction.action_response_format_spec())


def validate_action_results_once() -> None:
    from rasa.core.actions.action import RemoteAction

    rasa_validate = RemoteAction._validate_action_result
    if getattr(rasa_validate, "compiled_schema", False):
        return

    def validate(self: RemoteAction, result: dict[str, Any]) -> bool:
        if response_check().is_valid(result):
            return True
        return rasa_validate(self, result)  # raises Rasa's ValidationError with its message

    validate.compiled_schema = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate  # type: ignore[method-assign]
