"""Malformed JSON for Rasa's HTTP API is refused with a 400 before Rasa turns it into a 500."""

import pytest

from rasa_addons.api_guard import check_api_request


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/model/parse", b""),
        ("POST", "/model/parse", b"\xff"),
        ("POST", "/model/parse", b"[1]"),
        ("POST", "/model/parse", b'{"text": 1}'),
        ("POST", "/model/parse", b'{"text": "\\ud800"}'),
        ("POST", "/model/parse", b'{"text": NaN}'),
        ("POST", "/conversations/u1/messages", b'{"text": "hi"}'),
        ("POST", "/conversations/u1/messages", b'{"text": "hi", "sender": "user", "parse_data": []}'),
        ("POST", "/conversations/a/b/trigger_intent", b'{"name": true}'),
        ("POST", "/conversations/u1/execute", b'{"name": "utter_greet", "confidence": "high"}'),
        ("POST", "/conversations/u1/tracker/events", b"{bad"),
        ("PUT", "/conversations/u1/tracker/events", b""),
    ],
)
def test_malformed_bodies_are_refused(method: str, path: str, body: bytes) -> None:
    refused = check_api_request(method, path, body)
    assert refused is not None and refused.status == 400 and refused.body()["error"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/model/parse", '{"text": "什么是移情服务"}'.encode()),
        ("POST", "/conversations/u1/messages", b'{"text": "hi", "sender": "user"}'),
        ("POST", "/conversations/u1/trigger_intent", b'{"name": "greet", "entities": {"topic": "x"}}'),
        ("POST", "/conversations/u1/execute", b'{"name": "utter_greet", "confidence": 0.9}'),
        ("POST", "/conversations/u1/tracker/events", b'[{"event": "slot"}]'),  # Rasa checks events itself
        ("GET", "/conversations/u1/tracker", b""),
        ("POST", "/model/train", b"version: '3.1'"),  # YAML, Rasa's business
        ("POST", "/webhooks/rest/webhook", b"junk"),  # channels check their own input
    ],
)
def test_well_formed_or_unchecked_requests_go_to_rasa(method: str, path: str, body: bytes) -> None:
    assert check_api_request(method, path, body) is None


def test_executing_an_unknown_action_is_refused_when_the_domain_is_known() -> None:
    body = b'{"name": "\\" OR 1=1 --"}'
    assert check_api_request("POST", "/conversations/u1/execute", body, ["utter_greet"]).status == 400
    assert check_api_request("POST", "/conversations/u1/execute", b'{"name": "utter_greet"}', ["utter_greet"]) is None
    assert check_api_request("POST", "/conversations/u1/execute", body) is None  # no domain loaded: Rasa says 409
