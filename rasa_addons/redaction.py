"""Secrets never reach a log line: every log record is scrubbed when it is created.

Scrubbed: the values of secret-looking environment variables (RASA_AUTH_TOKEN, RASA_JWT_SECRET,
anything named *TOKEN, *SECRET, *PASSWORD, *API_KEY), `token=…`/`password=…` query or key-value
pairs, `Bearer …` credentials, and the password of URLs such as `postgresql://user:pw@host/db`.
It works on the record factory rather than on handlers, so it survives Rasa replacing the
handlers when it configures logging, and it covers tracebacks too.

Usage:
    redactor = SecretRedactor(["s3cr3t-value"])
    redactor.redact("GET /model/parse?token=abc&x=1 with s3cr3t-value, redis://u:pw@h:6379")  # → 'GET /model/parse?token=***&x=1 with ***, redis://u:***@h:6379'

`redactor.install()` then scrubs every log record of the process (rasa_addons/serve.py does it).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable, Mapping

MASK = "***"
MIN_SECRET_CHARS = 4  # shorter values ("1", "true") would mask ordinary words
_SECRET_NAME = re.compile(r"(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY)$", re.IGNORECASE)
_PATTERNS = [
    # token=…, password: …, "api_key": "…" in query strings, key-value logs and JSON
    (
        re.compile(
            r"""(?i)(\b(?:auth_token|access_token|token|password|passwd|secret|api_key)["']?\s*[=:]\s*["']?)[^\s&"',;}]+"""
        ),
        rf"\g<1>{MASK}",
    ),
    (re.compile(r"(?i)\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\g<1> {MASK}"),
    (re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s@/]+@"), rf"\g<1>{MASK}@"),
]


class SecretRedactor:
    """Masks known secret values and secret-shaped substrings in text and log records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {value for value in secrets if isinstance(value, str) and len(value) >= MIN_SECRET_CHARS}
        # longest first, so that a secret containing another is masked whole
        self.secrets = sorted(values, key=len, reverse=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SecretRedactor:
        return cls(value for name, value in env.items() if _SECRET_NAME.search(name))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def scrub(self, record: logging.LogRecord) -> logging.LogRecord:
        """The record with its message (arguments merged in) and traceback redacted."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem to report, not ours
            return record
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info:  # formatted here once; formatters reuse exc_text
            text = record.exc_text or "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = self.redact(text)
        return record

    def install(self) -> None:
        """Scrub every log record this process creates from now on."""
        make_record = logging.getLogRecordFactory()

        def scrubbed_record(*args, **kwargs) -> logging.LogRecord:
            return self.scrub(make_record(*args, **kwargs))

        logging.setLogRecordFactory(scrubbed_record)
