"""Bad input against the real stack: the REST webhook, the HTTP API (with and without token) and the
socket.io channel. Every response is a 4xx with a Chinese error or a polite reply — never a 500,
never silence — and the assistant still answers a real question afterwards.

The random part is seeded (FUZZ_SEED, default 20261124) and sized by FUZZ_PAYLOADS (default
10,000: 7,000 REST, 2,000 HTTP API, 1,000 socket.io); a failure prints the payload to replay.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import pytest
import requests
import socketio

from rasa_addons.channels.guard import EMPTY, GARBLED, MAX_MESSAGE_CHARS, TOO_LONG, is_garbled, reply
from rasa_addons.channels.validation import BadRequest, clean_text, socket_event
from tests.conftest import ROOT
from tests.integration.conftest import PORTS, Assistant

pytestmark = pytest.mark.integration
SEED = int(os.environ.get("FUZZ_SEED", "20261124"))
TOTAL = int(os.environ.get("FUZZ_PAYLOADS", "10000"))
REST_SHARE, API_SHARE = 0.7, 0.2  # the rest is socket.io
WORKERS = 4
CJK = re.compile(r"[\u4e00-\u9fff]")

SNIPPETS = [
    "什么是移情服务",
    "有没有银行的案例",
    "<script>alert(1)</script>",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "%s%s%n",
    "\u202eevil",
    "👍🏽👨‍👩‍👧",
    "\x00\x1b[31m",
    "\ud800",
    "/feedback_positive",
    "/restart",
    '/greet{"x": 1}',
    "null",
    "[]",
    "\\u0000",
]


# --- REST webhook ------------------------------------------------------------------------------


def post(body: bytes, session: requests.Session | None = None, **headers: str) -> requests.Response:
    return (session or requests).post(
        PORTS.webhook, data=body, headers={"Content-Type": "application/json", **headers}, timeout=120
    )


def check_rest(response: requests.Response, body: bytes) -> None:
    """A 400/413 with a Chinese error, or a 200 with at least one message; anything else fails."""
    context = f"payload {body[:300]!r} -> {response.status_code} {response.text[:300]!r}"
    if response.status_code in (400, 413):
        error = response.json().get("error", "")
        assert CJK.search(error), context
        return
    assert response.status_code == 200, context
    replies = response.json()
    assert isinstance(replies, list) and replies, context
    assert all(
        reply.get("text") or reply.get("buttons") or reply.get("image") or reply.get("custom") for reply in replies
    ), context


def rest_json(sender, message) -> bytes:
    return json.dumps({"sender": sender, "message": message}, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"", 400, "为空"),
        (b"\xff\xfe\xfa", 400, "UTF-8"),
        (b'{"sender": "u", "message": "\xe4\xbd"}', 400, "UTF-8"),
        (b"not json", 400, "JSON"),
        (b'["a", "b"]', 400, "JSON 对象"),
        (b'{"sender": 1, "message": 2}', 400, "message"),
        ('{"sender": "it-fuzz", "message": ["什么是移情服务"]}'.encode(), 400, "message"),
        (b'{"sender": "it-fuzz"}', 400, "message"),
        (b'{"message": "hi"}', 400, "sender"),
        (b'{"sender": {"id": 1}, "message": "hi"}', 400, "sender"),
        (b" " * (5 * 1024 * 1024), 413, "过大"),
    ],
    ids=[
        "empty",
        "invalid-utf8",
        "truncated-utf8",
        "not-json",
        "list",
        "number-types",
        "list-message",
        "no-message",
        "no-sender",
        "object-sender",
        "5MB-body",
    ],
)
def test_malformed_requests_get_a_400_with_a_chinese_error(
    assistant: Assistant, body: bytes, status: int, expected: str
) -> None:
    response = post(body)
    assert response.status_code == status, response.text
    assert expected in response.json()["error"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("移" * 20_000, reply(TOO_LONG, n=20_000, limit=MAX_MESSAGE_CHARS)),  # 60 KB: within the 64 KB limit
        ("a" * 60_000, reply(TOO_LONG, n=60_000, limit=MAX_MESSAGE_CHARS)),
        ("\x00\x01\x02\x1b\x7f", reply(EMPTY)),
        ("<>;'\"--", reply(GARBLED)),
    ],
    ids=["20k-chinese-chars", "60k-ascii", "only-controls", "only-symbols"],
)
def test_long_and_empty_messages_get_the_guards_polite_reply(assistant: Assistant, message: str, expected: str) -> None:
    response = post(rest_json("it-fuzz-guard", message))
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "it-fuzz-guard", "text": expected}]


@pytest.mark.parametrize("message", ["移" * 1_000_000, "a" * (1024 * 1024)], ids=["1M-chinese-chars", "1MiB-ascii"])
def test_a_body_over_64_kb_is_refused_before_it_is_read(assistant: Assistant, message: str) -> None:
    response = post(rest_json("it-fuzz-guard", message))
    assert response.status_code == 413 and "64 KB" in response.json()["error"]


@pytest.mark.parametrize(
    "message",
    [
        "什么是移情服务\x00\x1b[0m",
        "👍 谢谢！🎉",
        "<script>alert(1)</script>",
        "<b>移情服务</b>有哪些要素",
        "'; DROP TABLE users; --",
        "1' OR '1'='1",
        "\u202e移情服务",
        "移情服务\ud800",
    ],
    ids=["controls", "emoji", "script", "markup", "sql-drop", "sql-or", "rtl-override", "lone-surrogate"],
)
def test_odd_but_valid_messages_get_a_reply(assistant: Assistant, message: str) -> None:
    body = json.dumps({"sender": 10086, "message": message}).encode()  # an integer sender is accepted
    response = post(body)
    check_rest(response, body)
    assert all(reply["recipient_id"] == "10086" for reply in response.json())


def test_controls_are_stripped_before_the_bot_reads_the_message(assistant: Assistant) -> None:
    text = assistant.reply_text("it-fuzz-controls", "什么\x00是\x1b移情\x07服务")
    assert "来源：《移情服务》" in text


# --- random payloads ---------------------------------------------------------------------------


class Fuzz:
    """Seeded generators of junk: random text, JSON values, request bodies and URL paths."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def text(self, max_len: int = 60) -> str:
        rng = self.rng
        pools = [
            lambda: chr(rng.randint(0x20, 0x7E)),
            lambda: chr(rng.randint(0x4E00, 0x9FFF)),
            lambda: chr(rng.randint(0x1F300, 0x1FAFF)),
            lambda: chr(rng.randint(0, 0x1F)),
            lambda: chr(rng.randint(0x80, 0x10FFFF)),
            lambda: rng.choice(SNIPPETS),
        ]
        return "".join(rng.choice(pools)() for _ in range(rng.randint(0, max_len)))

    def message(self) -> str:
        """A message text: mostly one the guard answers (cheap), a quarter for the bot (a full turn)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return self.text()
        if roll < 0.45:
            return "".join(rng.choice(" \t\n\x00\x07\x1b\u3000") for _ in range(rng.randint(0, 10)))
        if roll < 0.7:
            return "".join(rng.choice("!?#$%^&*()<>;'\"-_=+[]{}|/\\~`，。？！…") for _ in range(rng.randint(1, 30)))
        return self.text() + "移" * rng.randint(MAX_MESSAGE_CHARS + 1, 3000)

    def value(self, depth: int = 0):
        rng = self.rng
        kind = rng.randrange(9 if depth < 3 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice([True, False])
        if kind == 2:
            return rng.choice([0, -1, 2**63, 2**200, rng.randint(-(10**6), 10**6)])
        if kind == 3:
            return rng.choice([0.5, -1e308, 1e-308, rng.random()])
        if kind in (4, 5):
            return self.text()
        if kind == 6:
            return [self.value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {self.text(8): self.value(depth + 1) for _ in range(rng.randint(0, 4))}

    def request(self) -> dict:
        """A chat request with each field valid, missing or of a random type."""
        rng = self.rng
        data = {}
        for name, good in (
            ("sender", lambda: f"it-fuzz-{rng.randrange(50)}"),
            ("message", self.message),
            ("metadata", lambda: {"k": self.text(5)}),
            ("input_channel", lambda: "web"),
        ):
            roll = rng.random()
            if roll < 0.7:
                data[name] = good()
            elif roll < 0.9 and name in ("sender", "message") or roll < 0.95:
                data[name] = self.value()
        if rng.random() < 0.1:
            data[self.text(10)] = self.value()
        return data

    def body(self) -> bytes:
        """Bytes as a client might send them: JSON (valid or mangled), other encodings, or noise."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return json.dumps(self.request(), ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
        if roll < 0.6:
            return json.dumps(self.value()).encode()
        if roll < 0.75:  # valid JSON, then cut or with flipped bytes
            raw = bytearray(json.dumps(self.request(), ensure_ascii=False).encode("utf-8", "surrogatepass"))
            if raw and rng.random() < 0.5:
                return bytes(raw[: rng.randrange(len(raw))])
            for _ in range(rng.randint(1, 4)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            return bytes(raw)
        if roll < 0.85:
            return json.dumps(self.request(), ensure_ascii=False).encode(
                rng.choice(["gbk", "utf-16", "latin-1"]), "replace"
            )
        return rng.randbytes(rng.randint(0, 300))

    def path_segment(self) -> str:
        return quote(self.text(12), safe="", errors="surrogatepass") or "x"  # lone surrogates: invalid UTF-8


def run_all(jobs: list[Callable[[requests.Session], None]]) -> None:
    local = threading.local()

    def run(job: Callable[[requests.Session], None]) -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        job(local.session)

    with ThreadPoolExecutor(WORKERS) as pool:
        for future in [pool.submit(run, job) for job in jobs]:
            future.result()  # re-raises the first failed assertion, with its payload


def test_random_payloads_to_the_rest_webhook(assistant: Assistant) -> None:
    fuzz = Fuzz(SEED)
    bodies = [fuzz.body() for _ in range(int(TOTAL * REST_SHARE))]
    statuses: dict[int, int] = {}
    counted = threading.Lock()

    def job(body: bytes) -> Callable[[requests.Session], None]:
        def send(session: requests.Session) -> None:
            response = post(body, session)
            with counted:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            check_rest(response, body)

        return send

    started = time.monotonic()
    run_all([job(body) for body in bodies])
    print(
        f"REST fuzz: {len(bodies)} payloads in {time.monotonic() - started:.1f} s; statuses {sorted(statuses.items())}"
    )
    assert statuses.get(200, 0) > len(bodies) // 10 and statuses.get(400, 0) > len(bodies) // 10  # both paths exercised
    assert "来源：" in assistant.reply_text("it-fuzz-after-rest", "什么是移情服务")


API_ROUTES = [
    ("POST", "/model/parse"),
    ("GET", "/conversations/{id}/tracker"),
    ("POST", "/conversations/{id}/messages"),
    ("POST", "/conversations/{id}/trigger_intent"),
    ("POST", "/conversations/{id}/predict"),
    ("POST", "/conversations/{id}/tracker/events"),
    ("GET", "/conversations/{id}/story"),
    ("POST", "/conversations/{id}/execute"),
    ("GET", "/status"),
    ("GET", "/domain"),
    ("POST", "/model/predict"),
]  # not PUT/DELETE /model, /model/train or /model/test: they would replace or unload the model


def test_random_requests_to_the_http_api_with_and_without_token(assistant: Assistant) -> None:
    token = (ROOT / "var" / "run" / "rasa-auth-token").read_text(encoding="utf-8").strip()
    fuzz = Fuzz(SEED + 1)
    statuses: dict[int, int] = {}
    counted = threading.Lock()

    def job(method: str, path: str, body: bytes, params: dict) -> Callable[[requests.Session], None]:
        def send(session: requests.Session) -> None:
            query = urlencode(params, quote_via=quote, errors="surrogatepass")
            response = session.request(
                method,
                f"{PORTS.rasa_url}{path}?{query}",
                data=body,
                timeout=120,
                headers={"Content-Type": "application/json"},
            )
            with counted:
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            context = f"{method} {path} token={'token' in params} {body[:300]!r} -> {response.status_code} {response.text[:300]!r}"
            if "token" not in params:
                assert response.status_code in (401, 403, 404), context
            else:
                assert response.status_code < 500, context

        return send

    jobs = []
    for n in range(int(TOTAL * API_SHARE)):
        method, route = fuzz.rng.choice(API_ROUTES)
        path = route.format(id=fuzz.path_segment() if fuzz.rng.random() < 0.5 else f"it-fuzz-api-{n % 20}")
        body = (
            fuzz.body()
            if fuzz.rng.random() < 0.7
            else json.dumps({"text": fuzz.text(), "name": fuzz.text(10)}).encode()
        )
        params = {"token": token} if n % 2 else {}
        if fuzz.rng.random() < 0.2:
            params[fuzz.text(5) or "x"] = fuzz.text(10)
        jobs.append(job(method, path, body, params))
    started = time.monotonic()
    run_all(jobs)
    print(
        f"HTTP API fuzz: {len(jobs)} requests in {time.monotonic() - started:.1f} s; statuses {sorted(statuses.items())}"
    )
    assert statuses.get(401, 0) >= len(jobs) // 3
    assert "来源：" in assistant.reply_text("it-fuzz-after-api", "什么是移情服务")


# --- socket.io ---------------------------------------------------------------------------------


class SocketChat:
    """A socket.io client of the running channel that collects the bot's messages.

    Each message is sent with an acknowledgement, which the server sends once the turn is over,
    after that turn's messages: so the replies of one message are told from the next one's.
    """

    def __init__(self) -> None:
        self.client = socketio.Client(reconnection=False)
        self.received: list[dict] = []
        self.lock = threading.Lock()
        self.client.on("bot_uttered", self._on_bot_uttered)
        self.client.on("session_confirm", lambda *_: None)

    def _on_bot_uttered(self, data=None, *_) -> None:
        with self.lock:
            self.received.append(data)

    def __enter__(self) -> SocketChat:
        self.client.connect(PORTS.rasa_url, transports=["polling"], wait_timeout=30)
        self.client.emit("session_request", {"session_id": None})
        return self

    def __exit__(self, *_) -> None:
        self.client.disconnect()

    def send(self, data) -> list[dict]:
        """The bot's messages in answer to `data`; an assertion error if there are none."""
        with self.lock:
            start = len(self.received)
        self.client.call("user_uttered", data, timeout=60)
        deadline = time.monotonic() + 2  # handlers of messages that came before the ack may still run
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) > start:
                    break
            time.sleep(0.005)
        time.sleep(0.02)
        with self.lock:
            replies = self.received[start:]
        assert replies, f"silence after socket.io message {data!r}"
        return replies


def expected_socket_reply(data) -> tuple[str, str | None]:
    """Who must answer `data` ("refused", "guard" or "bot") and, unless the bot, with what."""
    try:
        text = clean_text(socket_event(data)["message"]).strip()
    except BadRequest as refused:
        return "refused", refused.message
    if not text:
        return "guard", reply(EMPTY)
    if len(text) > MAX_MESSAGE_CHARS:
        return "guard", reply(TOO_LONG, n=len(text), limit=MAX_MESSAGE_CHARS)
    if is_garbled(text):
        return "guard", reply(GARBLED)
    return "bot", None


@pytest.fixture
def chat(assistant: Assistant) -> Iterator[SocketChat]:
    with SocketChat() as chat:
        yield chat


def test_socketio_answers_a_question_and_refuses_junk_politely(chat: SocketChat) -> None:
    assert any("来源：" in (m.get("text") or "") for m in chat.send({"message": "什么是移情服务"}))
    for junk in [
        "什么是移情服务",
        ["message"],
        42,
        None,
        {"message": 7},
        {"msg": "hi"},
        {"message": "\x00\x07"},
        {"message": "移" * 2000},
        {"message": "<script>alert(1)</script>"},
        {"message": "hi", "metadata": "{"},
    ]:
        who, expected = expected_socket_reply(junk)
        replies = chat.send(junk)
        if expected is not None:
            assert replies == [{"text": expected}], (junk, replies)
            assert CJK.search(expected)


def test_random_socketio_events_are_never_met_with_silence(assistant: Assistant) -> None:
    fuzz = Fuzz(SEED + 2)
    count = TOTAL - int(TOTAL * REST_SHARE) - int(TOTAL * API_SHARE)
    answered = {"refused": 0, "guard": 0, "bot": 0}
    started = time.monotonic()
    with SocketChat() as chat:
        for _ in range(count):
            data = fuzz.request() if fuzz.rng.random() < 0.6 else fuzz.value()
            who, expected = expected_socket_reply(data)
            replies = chat.send(data)
            if expected is not None:
                assert replies == [{"text": expected}], (data, replies)
            answered[who] += 1
        print(f"socket.io fuzz: {count} events in {time.monotonic() - started:.1f} s; answered {answered}")
        assert all(answered.values()), answered
        assert any("来源：" in (m.get("text") or "") for m in chat.send({"message": "什么是移情服务"}))
