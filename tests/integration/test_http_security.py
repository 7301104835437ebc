"""The secured HTTP surface of the real stack (scripts/run.sh): token and JWT on the HTTP API, CORS
limited to configured origins, servers on loopback, and no secret in any log line."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT
from tests.integration.conftest import PORTS, Assistant

pytestmark = pytest.mark.integration
API = PORTS.rasa_url
TOKEN_FILE = ROOT / "var" / "run" / "rasa-auth-token"
JWT_SECRET = "it-jwt-secret-for-tests-only-7f3a"
DB_PASSWORD = "it-db-password-9q2w"
ALLOWED_ORIGIN = "https://intranet.example.com"


@pytest.fixture(scope="module", autouse=True)
def security_env() -> Iterator[None]:
    """Environment of this module's stack: JWT on, one CORS origin, and a password that must not leak.

    Autouse and module-scoped, so it is set before the `assistant` fixture starts scripts/run.sh.
    """
    values = {
        "RASA_JWT_SECRET": JWT_SECRET,
        "RASA_CORS_ORIGINS": f"{ALLOWED_ORIGIN}, http://localhost:8080",
        "TRACKER_STORE_PASSWORD": DB_PASSWORD,
    }
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def token(assistant: Assistant) -> str:
    return TOKEN_FILE.read_text(encoding="utf-8").strip()


def jwt(payload: dict, secret: str = JWT_SECRET) -> str:
    """An HS256 JWT, as an intranet portal would issue it."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = part(b'{"alg":"HS256","typ":"JWT"}')
    signing_input = f"{header}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def test_the_generated_token_is_private_and_long(token: str) -> None:
    assert stat.S_IMODE(TOKEN_FILE.stat().st_mode) == 0o600
    assert len(token) >= 32 and not token.startswith("-")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/model/parse", {"text": "什么是移情服务"}),
        ("GET", "/conversations/it-sec/tracker", None),
        ("POST", "/conversations/it-sec/messages", {"text": "你好", "sender": "user"}),
        ("GET", "/status", None),
        ("GET", "/domain", None),
    ],
)
def test_the_http_api_refuses_anonymous_and_wrong_credentials(token: str, method: str, path: str, body) -> None:
    attempts = [
        {},
        {"params": {"token": "wrong" + token}},
        {"params": {"token": ""}},
        {"headers": {"Authorization": f"Bearer {jwt({'user': {'username': 'x', 'role': 'admin'}}, 'other-secret')}"}},
        {"headers": {"Authorization": "Bearer not-a-jwt"}},
    ]
    for attempt in attempts:
        response = requests.request(method, API + path, json=body, timeout=30, **attempt)
        assert response.status_code in (401, 403), (attempt, response.status_code, response.text[:200])


def test_parse_and_tracker_accept_the_token(assistant: Assistant, token: str) -> None:
    parsed = requests.post(f"{API}/model/parse", params={"token": token}, json={"text": "什么是移情服务"}, timeout=30)
    assert parsed.status_code == 200
    assert parsed.json()["intent"]["name"]
    assert "来源：" in assistant.reply_text("it-sec-tracker", "什么是移情服务")
    # a REST sender's conversation is rest:<sender> (rasa_addons/channels/ownership.py)
    tracker = requests.get(f"{API}/conversations/rest:it-sec-tracker/tracker", params={"token": token}, timeout=30)
    assert tracker.status_code == 200
    assert tracker.json()["latest_message"]["text"] == "什么是移情服务"


def test_a_jwt_signed_with_the_secret_is_accepted_within_its_scope(assistant: Assistant) -> None:
    assistant.ask("it-sec-jwt", "你好")
    own = {
        "Authorization": f"Bearer {jwt({'user': {'username': 'rest:it-sec-jwt', 'role': 'user'}, 'exp': int(time.time()) + 600})}"
    }
    mine = requests.get(f"{API}/conversations/rest:it-sec-jwt/tracker", headers=own, timeout=30)
    assert mine.status_code == 200 and mine.json()["latest_message"]["text"] == "你好"
    # a user's JWT opens that user's conversation only
    assert requests.get(f"{API}/conversations/someone-else/tracker", headers=own, timeout=30).status_code == 403
    admin = {
        "Authorization": f"Bearer {jwt({'user': {'username': 'ops', 'role': 'admin'}, 'exp': int(time.time()) + 600})}"
    }
    assert requests.post(f"{API}/model/parse", headers=admin, json={"text": "你好"}, timeout=30).status_code == 200


def test_cors_allows_the_configured_origins_only(assistant: Assistant) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for origin, allowed in ((ALLOWED_ORIGIN, True), ("http://localhost:8080", True), ("https://evil.example", False)):
        options = requests.options(f"{API}/webhooks/rest/webhook", headers={"Origin": origin, **preflight}, timeout=30)
        post = requests.post(
            f"{API}/webhooks/rest/webhook",
            headers={"Origin": origin},
            json={"sender": "it-sec-cors", "message": "你好"},
            timeout=60,
        )
        for response in (options, post):
            granted = response.headers.get("Access-Control-Allow-Origin")
            assert granted == (origin if allowed else None), (origin, response.status_code, dict(response.headers))


def _listening(port: int) -> set[str]:
    """Local addresses listening on `port`, from /proc/net/tcp{,6} (hex, as the kernel writes them)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def test_both_servers_listen_on_loopback_only(assistant: Assistant) -> None:
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for port in (PORTS.rasa, PORTS.action):
        addresses = _listening(port)
        assert addresses and addresses <= loopback, (port, addresses)


def test_no_secret_reaches_any_log(assistant: Assistant, token: str) -> None:
    # Requests that carry secrets, including ones Rasa refuses or fails on.
    requests.get(
        f"{API}/conversations/it-sec-log/tracker", params={"token": token, "include_events": "BOGUS"}, timeout=30
    )
    requests.post(f"{API}/model/parse", params={"token": token}, data=b"{not json", timeout=30)
    requests.post(f"{API}/conversations/it-sec-log/messages", params={"token": token}, json={"text": 1}, timeout=30)
    requests.get(
        f"{API}/status",
        headers={"Authorization": f"Bearer {jwt({'user': {'username': 'ops', 'role': 'admin'}})}"},
        timeout=30,
    )
    time.sleep(1)
    logs = {
        "scripts/run.sh output": assistant.log,
        "var/log/rasa.log": ROOT / "var" / "log" / "rasa.log",
        "var/log/actions.log": ROOT / "var" / "log" / "actions.log",
    }
    for name, path in logs.items():
        text = path.read_text(encoding="utf-8", errors="replace")
        assert text, f"{name} is empty: nothing was checked"
        for secret in (token, JWT_SECRET, DB_PASSWORD):
            assert secret not in text, f"a secret is in {name}"
    assert str(TOKEN_FILE) in assistant.log.read_text(encoding="utf-8", errors="replace")  # where, not what


def test_an_unauthenticated_request_gets_rasas_answer_before_any_other_check(assistant: Assistant) -> None:
    """With a bogus Authorization header, an action name is neither confirmed nor denied: Rasa's own
    refusal (401; with JWT on, sanic-jwt's 400 for a header that is no Bearer one) whatever the body."""
    for headers in ({"Authorization": "Bearer not-the-token"}, {"Authorization": "Basic eDp5"}, {}):
        answers = set()
        for name in ("action_answer_knowledge", "action_no_such_thing"):
            response = requests.post(
                f"{API}/conversations/it-sec-probe/execute", json={"name": name}, headers=headers, timeout=30
            )
            assert response.status_code in (400, 401) and "没有这个动作" not in response.text, response.text[:200]
            answers.add((response.status_code, response.text))
        assert len(answers) == 1, answers  # the same for a real and a made-up action
    assert requests.post(f"{API}/conversations/it-sec-probe/execute", json={"name": "x"}, timeout=30).status_code == 401


def test_the_readme_way_of_sending_the_token_keeps_it_out_of_ps(assistant: Assistant, token: str) -> None:
    """`curl -H @var/run/rasa-auth-header …` (README): the token is in a file, not on a command line."""
    import subprocess

    header_file = ROOT / "var" / "run" / "rasa-auth-header"
    assert stat.S_IMODE(header_file.stat().st_mode) == 0o600
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "-H @var/run/rasa-auth-header" in readme and "token=$(cat" not in readme
    result = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", f"@{header_file}", f"{API}/status"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout == "200"
    assert token not in " ".join(result.args)
    bearer = requests.get(f"{API}/status", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert bearer.status_code == 200
