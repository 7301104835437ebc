"""What the chat channels accept from clients, and the Chinese errors for what they refuse."""

import json

import pytest

from rasa_addons.channels.validation import (
    MAX_BODY_BYTES,
    MAX_METADATA_BYTES,
    MAX_METADATA_KEYS,
    BadRequest,
    ChatRequest,
    clean_text,
    json_request,
    socket_event,
)


def parse(value) -> ChatRequest:
    return ChatRequest.parse(json.dumps(value, ensure_ascii=False).encode())


def refusal(body: bytes) -> BadRequest:
    with pytest.raises(BadRequest) as caught:
        ChatRequest.parse(body)
    return caught.value


def test_a_well_formed_request_is_kept() -> None:
    request = parse({"sender": "u1", "message": "什么是移情服务", "metadata": {"k": 1}, "input_channel": "web"})
    assert request == ChatRequest("u1", "什么是移情服务", {"k": 1}, "web")


def test_an_integer_sender_becomes_its_decimal_string() -> None:
    assert parse({"sender": 10086, "message": "你好"}).sender == "10086"


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"", 400, "为空"),
        (b"  \n", 400, "为空"),
        (b"\xff\xfe{", 400, "UTF-8"),
        (b'{"sender": "u1", "message": "\xe7\xa7"}', 400, "UTF-8"),
        (b"{sender: u1}", 400, "JSON"),
        (b'{"sender": "u1", "message": NaN}', 400, "JSON"),
        (b"[" * 50_000, 400, "JSON"),
        (b'["u1", "hi"]', 400, "JSON 对象"),
        (b'"hi"', 400, "JSON 对象"),
        (b"null", 400, "JSON 对象"),
        (b'{"message": "hi"}', 400, "sender"),
        (b'{"sender": null, "message": "hi"}', 400, "sender"),
        (b'{"sender": true, "message": "hi"}', 400, "sender"),
        (b'{"sender": 1.5, "message": "hi"}', 400, "sender"),
        (b'{"sender": ["u1"], "message": "hi"}', 400, "sender"),
        (b'{"sender": " \\u0000 ", "message": "hi"}', 400, "sender"),
        (json.dumps({"sender": "u" * 129, "message": "hi"}).encode(), 400, "sender"),
        (b'{"sender": "u1"}', 400, "message"),
        (b'{"sender": 1, "message": 2}', 400, "message"),
        (b'{"sender": "u1", "message": ["hi"]}', 400, "message"),
        (b'{"sender": "u1", "message": {"text": "hi"}}', 400, "message"),
        (b'{"sender": "u1", "message": "hi", "metadata": "x"}', 400, "metadata"),
        (b'{"sender": "u1", "message": "hi", "input_channel": 3}', 400, "input_channel"),
        (b" " * (MAX_BODY_BYTES + 1), 413, "过大"),
    ],
)
def test_bad_requests_are_refused_with_a_chinese_error(body: bytes, status: int, words: str) -> None:
    refused = refusal(body)
    assert refused.status == status
    assert words in refused.message
    assert refused.body() == {"error": refused.message}
    assert body[:20].decode("utf-8", "replace") not in refused.reason or not body.strip()  # no content in the log


def test_control_characters_and_lone_surrogates_are_removed_newlines_kept() -> None:
    request = ChatRequest.parse(
        b'{"sender": "u\\u00011", "message": "\\u0000\\u001b[31m\\u4ec0\\u4e48\\ud800\\n\\t\\u007f\\u0085?"}'
    )
    assert request.sender == "u1"
    assert request.message == "[31m什么\n\t?"
    request.message.encode("utf-8")  # would raise on a surrogate


def test_emoji_markup_and_sql_pass_through_unchanged() -> None:
    for text in ("👍🏽 👨‍👩‍👧 谢谢", "<script>alert(1)</script>", "'; DROP TABLE users; --"):
        assert parse({"sender": "u1", "message": text}).message == text


def test_an_empty_or_long_message_is_left_to_the_guard() -> None:
    assert parse({"sender": "u1", "message": ""}).message == ""
    assert len(parse({"sender": "u1", "message": "a" * 20_000}).message) == 20_000


def test_a_body_over_the_limit_is_refused_whatever_it_holds() -> None:
    refused = refusal(json.dumps({"sender": "u1", "message": "a" * MAX_BODY_BYTES}).encode())
    assert refused.status == 413 and "64 KB" in refused.message


@pytest.mark.parametrize(
    "metadata",
    [
        {f"k{n}": n for n in range(MAX_METADATA_KEYS + 1)},
        {"page": "x" * MAX_METADATA_BYTES},
        {"nested": [{"a": "很长的内容" * 200}]},
    ],
)
def test_metadata_over_the_limit_is_refused_not_cut(metadata: dict) -> None:
    refused = refusal(json.dumps({"sender": "u1", "message": "hi", "metadata": metadata}).encode())
    assert refused.status == 400 and "metadata" in refused.message
    with pytest.raises(BadRequest):
        socket_event({"message": "hi", "metadata": metadata})


def test_small_metadata_is_kept() -> None:
    metadata = {"page": "faq", "department": "零售银行部", "tags": ["a", "b"]}
    assert parse({"sender": "u1", "message": "hi", "metadata": metadata}).metadata == metadata


@pytest.mark.parametrize(
    ("content_type", "origin", "status"),
    [
        ("text/plain", None, 415),  # what a cross-site <form> or fetch may send without asking
        ("application/x-www-form-urlencoded", None, 415),
        ("multipart/form-data; boundary=x", None, 415),
        (None, None, 415),
        ("application/json", "https://evil.example", 403),
        ("application/json; charset=utf-8", "http://localhost:5005/", None),
        ("Application/JSON", None, None),
        ("application/json", "https://intranet.example.com", None),
    ],
)
def test_only_json_from_allowed_origins_is_taken(content_type, origin, status) -> None:
    allowed = {"http://localhost:5005", "https://intranet.example.com"}.__contains__
    if status is None:
        json_request(content_type, origin and origin.rstrip("/"), allowed)
        return
    with pytest.raises(BadRequest) as caught:
        json_request(content_type, origin, allowed)
    assert caught.value.status == status


def test_clean_text_keeps_ordinary_text() -> None:
    assert clean_text("移情服务\n有哪些要素？") == "移情服务\n有哪些要素？"


def test_a_refusal_is_a_client_error() -> None:
    with pytest.raises(ValueError):
        BadRequest(500, "x", "y")


def test_raw_control_characters_inside_strings_are_removed_not_refused() -> None:
    assert ChatRequest.parse(b'{"sender": "u1", "message": "\x00\x07hi\x1b"}').message == "hi"


@pytest.mark.parametrize(
    "data",
    [
        "你好",
        ["你好"],
        None,
        3,
        {"text": "你好"},
        {"message": 2},
        {"message": ["a"]},
        {"message": "hi", "session_id": ["x"]},
        {"message": "hi", "metadata": "{not json"},
        {"message": "hi", "metadata": [1]},
    ],
)
def test_a_malformed_socket_event_is_refused_in_chinese(data) -> None:
    with pytest.raises(BadRequest) as caught:
        socket_event(data)
    assert caught.value.status == 400 and "字段" in caught.value.message or "消息格式" in caught.value.message


def test_a_socket_event_is_cleaned_and_its_json_metadata_decoded() -> None:
    event = socket_event({"message": "\x00什么是移情服务", "session_id": 42, "metadata": '{"page": "faq"}', "extra": 1})
    assert event == {"message": "什么是移情服务", "session_id": "42", "metadata": {"page": "faq"}, "extra": 1}
