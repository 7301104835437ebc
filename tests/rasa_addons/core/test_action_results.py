"""The compiled action-response check gives jsonschema's verdict on Rasa's schema, and errors stay Rasa's."""

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from rasa_addons.core.action_results import ActionResultCheck, response_check, validate_action_results_once

SCHEMA = RemoteAction.action_response_format_spec()

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [SlotSet("last_sources", ["concepts/移情服务.md"]).as_dict()], "responses": [{"response": "utter_x"}]},
    {
        "events": [
            e.as_dict()
            for e in (
                SlotSet("topic", None),
                ActionExecuted("action_listen"),
                UserUttered("什么是移情服务", {"name": "ask_definition", "confidence": 0.9}),
                BotUttered("你好", {"buttons": []}),
                FollowupAction("action_listen"),
                ActiveLoop(None),
                AllSlotsReset(),
                Restarted(),
                SessionStarted(),
            )
        ]
    },
]

INVALID: list[Any] = [
    [],
    "events",
    {"events": {}},
    {"events": [1]},
    {"events": [{"name": "topic", "value": 1}]},  # no event name
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "value": 1}]},  # slot without a name
    {"events": [{"event": "slot", "name": 3, "value": 1}]},
    {"events": [{"event": "user", "timestamp": "yesterday"}]},
    {"events": [{"event": "action", "name": ["x"]}]},
    {"events": [{"event": "slot", "name": "topic", "value": None}, {"event": "entities", "entities": [{}]}]},
    {"responses": [1]},
]


def jsonschema_verdict(result: Any) -> bool:
    try:
        jsonschema.validate(result, SCHEMA)
    except jsonschema.ValidationError:
        return False
    return True


@pytest.mark.parametrize("result", VALID + INVALID)
def test_same_verdict_as_jsonschema(result: Any) -> None:
    assert response_check().is_valid(result) is jsonschema_verdict(result)


def test_every_valid_sample_is_valid_and_every_invalid_one_is_not() -> None:
    assert all(response_check().is_valid(r) for r in VALID)
    assert not any(response_check().is_valid(r) for r in INVALID)


def test_a_schema_whose_alternatives_share_a_name_is_refused() -> None:
    twice = {"properties": {"event": {"const": "slot"}}}
    schema = {"type": "object", "properties": {"events": {"type": "array", "items": {"oneOf": [twice, twice]}}}}
    with pytest.raises(ValueError, match="own constant name"):
        ActionResultCheck(schema)


def test_installed_check_accepts_valid_and_raises_rasas_error_for_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    validate_action_results_once()
    validate_action_results_once()  # idempotent
    action = RemoteAction("action_answer_knowledge", None)
    assert action._validate_action_result(VALID[2]) is True
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "value": 1}]})
