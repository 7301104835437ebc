"""No secret in a log line: known values, token/password pairs, bearer credentials, URL passwords."""

import logging

import pytest

from rasa_addons.redaction import MASK, SecretRedactor

TOKEN = "Zq3-very-secret-token_value"


@pytest.fixture
def redactor() -> SecretRedactor:
    return SecretRedactor.from_env(
        {"RASA_AUTH_TOKEN": TOKEN, "DB_PASSWORD": "hunter22", "HOME": "/root", "X_TOKEN": "1"}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"started with --auth-token {TOKEN}", f"started with --auth-token {MASK}"),
        (
            "GET /conversations/u1/tracker?token=abc123&include_events=ALL",
            f"GET /conversations/u1/tracker?token={MASK}&include_events=ALL",
        ),
        ('{"password": "pw-1", "user": "x"}', f'{{"password": "{MASK}", "user": "x"}}'),
        ("Authorization: Bearer eyJhbGciOi.x.y", f"Authorization: Bearer {MASK}"),
        (
            "tracker_store: postgresql://rasa:hunter22@db:5432/rasa",
            f"tracker_store: postgresql://rasa:{MASK}@db:5432/rasa",
        ),
        ("redis://:s3cret@cache:6379/0", f"redis://:{MASK}@cache:6379/0"),
        ("JiebaTokenizer split 12 tokens for /root", "JiebaTokenizer split 12 tokens for /root"),
        ("什么是移情服务", "什么是移情服务"),
    ],
)
def test_redact(redactor: SecretRedactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


def test_only_secret_named_variables_of_useful_length_are_masked(redactor: SecretRedactor) -> None:
    assert redactor.secrets == [TOKEN, "hunter22"]


def test_installed_it_scrubs_messages_arguments_and_tracebacks(
    redactor: SecretRedactor, caplog: pytest.LogCaptureFixture
) -> None:
    factory = logging.getLogRecordFactory()
    try:
        redactor.install()
        log = logging.getLogger("test.redaction")
        with caplog.at_level(logging.INFO, logger="test.redaction"):
            log.info("token is %s", TOKEN)
            try:
                raise RuntimeError(f"cannot connect to postgresql://rasa:hunter22@db/rasa with {TOKEN}")
            except RuntimeError:
                log.exception("tracker store down")
    finally:
        logging.setLogRecordFactory(factory)
    assert TOKEN not in caplog.text and "hunter22" not in caplog.text
    assert f"token is {MASK}" in caplog.text
    assert "RuntimeError: cannot connect to postgresql://rasa:***@db/rasa with ***" in caplog.text
