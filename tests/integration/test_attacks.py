"""The security review's attacks, re-run against the real stack (scripts/run.sh, rate limits on,
WeCom on against the fake WeCom): none of them works any more.

- cross-channel: a REST caller naming a WeCom user's id reaches a conversation of its own;
- cross-socket: a second socket cannot join or write into a web chat session, by its id or
  with a made-up one;
- cross-site: a `text/plain` post (what any web page can make a browser send) is refused;
- 100 MB bodies: refused before they are read, the Rasa server does not grow;
- flooding: 16 clients sending 500-character messages as fast as they can are refused (429) beyond
  the limits and nobody gets 「暂时不可用」; another user's p95 (asking every five seconds, quiet and
  flooded phases alternating, the flood measured once its first wave is answered) is printed;
- replay: a WeCom callback signed long ago is refused, one replayed is answered once.
"""

from __future__ import annotations

import http.client
import json
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.fakes.wecom import SAMPLE, FakeWeComApi, FakeWeComClient
from tests.integration.conftest import PORTS, Assistant

pytestmark = pytest.mark.integration
API_TOKEN = secrets.token_hex(16)
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
UNAVAILABLE = "暂时不可用"


@pytest.fixture(scope="module")
def wecom_api() -> Iterator[FakeWeComApi]:
    api = FakeWeComApi(SAMPLE.corp_id, SAMPLE.secret, port=PORTS.action + 1).start()
    yield api
    api.stop()


@pytest.fixture(scope="module")
def assistant_env(wecom_api: FakeWeComApi) -> dict[str, str]:
    return {
        "RASA_RATE_LIMITS": "on",  # the attacks meet the defaults of endpoints.yml
        "RASA_AUTH_TOKEN": API_TOKEN,
        "WECOM_CORP_ID": SAMPLE.corp_id,
        "WECOM_AGENT_ID": SAMPLE.agent_id,
        "WECOM_SECRET": SAMPLE.secret,
        "WECOM_TOKEN": SAMPLE.token,
        "WECOM_AES_KEY": SAMPLE.aes_key,
        "WECOM_API_BASE": wecom_api.url,
    }


@pytest.fixture(scope="module")
def wecom(assistant: Assistant) -> FakeWeComClient:
    return FakeWeComClient(f"{PORTS.rasa_url}/webhooks/wecom/webhook", SAMPLE, timeout=30)


def tracker_texts(conversation: str) -> list[str]:
    response = requests.get(f"{PORTS.rasa_url}/conversations/{conversation}/tracker", headers=AUTH, timeout=30)
    assert response.status_code == 200, response.text
    return [e.get("text") or "" for e in response.json()["events"] if e["event"] in ("user", "bot")]


def post_from(address: str, sender: str, message: str, timeout: float = 60) -> tuple[int, str]:
    """A REST message sent from `address` (any 127.x.y.z reaches the server on 127.0.0.1)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORTS.rasa, timeout=timeout, source_address=(address, 0))
    try:
        body = json.dumps({"sender": sender, "message": message}).encode()
        connection.request("POST", "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


# --- conversations bound to their owner --------------------------------------------------------


def test_a_rest_caller_naming_a_wecom_user_reaches_a_conversation_of_its_own(wecom: FakeWeComClient) -> None:
    user = f"zhangsan{secrets.token_hex(3)}"
    first = wecom.send_text(user, "什么是移情服务")
    assert first.status == 200 and "来源" in (first.content or "") and "回复数字选择" in (first.content or "")
    # The review's attack: an anonymous REST call with the WeCom user's id, planting its own buttons.
    requests.post(PORTS.webhook, json={"sender": user, "message": "客户情绪管理有哪些策略"}, timeout=60)
    pick = wecom.send_text(user, "1")  # picks from the list the WeCom user saw, not the planted one
    assert pick.status == 200 and "客户情绪管理" not in (pick.content or "")
    wecom_texts, rest_texts = tracker_texts(f"wecom:{user}"), tracker_texts(f"rest:{user}")
    assert "客户情绪管理有哪些策略" not in wecom_texts and "什么是移情服务" in wecom_texts
    assert "什么是移情服务" not in rest_texts and "客户情绪管理有哪些策略" in rest_texts


def connect() -> tuple[socketio.Client, list[tuple[str, object]]]:
    client = socketio.Client(reconnection=False)
    events: list[tuple[str, object]] = []
    client.on("session_confirm", lambda data: events.append(("session_confirm", data)))
    client.on("bot_uttered", lambda data: events.append(("bot_uttered", data)))
    client.connect(PORTS.rasa_url, transports=["polling"], socketio_path="/socket.io", wait_timeout=10)
    return client, events


def wait_for(events: list, count: int, seconds: float = 60) -> list:
    deadline = time.monotonic() + seconds
    while len(events) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return events


def session(client: socketio.Client, events: list, proposed: object = None) -> str:
    before = len(events)
    client.emit("session_request", {"session_id": proposed})
    name, token = wait_for(events, before + 1)[before]
    assert name == "session_confirm" and isinstance(token, str)
    return token


def test_another_socket_cannot_join_or_write_into_a_web_chat_session(assistant: Assistant) -> None:
    owner, owner_events = connect()
    intruder, intruder_events = connect()
    try:
        token = session(owner, owner_events)
        session_id = token.split(".")[0]  # what logs, the database and the HTTP API show
        for proposed in (session_id, "张三 zhangsan/../x", f"{session_id}.AAAAAAAAAAAAAAAAAAAAAA"):
            assert session(intruder, intruder_events, proposed) != token
        owner.emit("user_uttered", {"message": "什么是移情服务", "session_id": token})
        assert "来源" in str(wait_for(owner_events, 2)[1][1])
        time.sleep(2)
        assert all(name == "session_confirm" for name, _ in intruder_events)  # heard nothing of it
        before = len(intruder_events)
        intruder.emit("user_uttered", {"message": "写进别人的对话", "session_id": session_id})
        intruder.emit("user_uttered", {"message": "再写一次", "session_id": token})  # even the owner's token
        refusals = wait_for(intruder_events, before + 2)[before:]
        assert all("不属于当前连接" in str(data) for _, data in refusals), refusals
        texts = tracker_texts(f"webchat:{session_id}")
        assert "什么是移情服务" in texts and "写进别人的对话" not in texts and "再写一次" not in texts
    finally:
        owner.disconnect()
        intruder.disconnect()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_cross_site_simple_request_is_refused(assistant: Assistant, content_type: str) -> None:
    body = json.dumps({"sender": "it-csrf", "message": "写进别人的对话"})
    refused = requests.post(PORTS.webhook, data=body, headers={"Content-Type": content_type}, timeout=30)
    assert refused.status_code == 415 and "JSON" in refused.json()["error"]
    foreign = requests.post(
        PORTS.webhook, json={"sender": "it-csrf", "message": "你好"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert "写进别人的对话" not in tracker_texts("rest:it-csrf")


# --- bounded input ---------------------------------------------------------------------------------


def resident_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


def test_100_mb_bodies_are_refused_without_the_rasa_server_growing(assistant: Assistant) -> None:
    [rasa] = assistant.session_processes("rasa_addons.serve")
    before = resident_mb(rasa)
    body = b"{" + b" " * (95 * 1024 * 1024) + b"}"

    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse on, read until 64 KB
        for start in range(0, len(body), 1024 * 1024):
            yield body[start : start + 1024 * 1024]

    outcomes = []
    for n in range(6):
        try:
            response = requests.post(
                PORTS.webhook,
                data=body if n % 2 == 0 else chunks(),
                headers={"Content-Type": "application/json"},
                timeout=60,
            )
            outcomes.append(response.status_code)
        except requests.ConnectionError:  # refused while the client was still sending: as good
            outcomes.append("closed")
    grown = resident_mb(rasa) - before
    assert all(outcome in (413, "closed") for outcome in outcomes), outcomes
    assert grown <= 50, f"the Rasa server grew by {grown:.0f} MB"
    assert assistant.reply_text("it-after-bodies", "什么是移情服务").count("来源") >= 1  # still answering


# --- flooding --------------------------------------------------------------------------------------

QUESTIONS = [
    "什么是移情服务",
    "客户情绪管理有哪些策略",
    "期望确认理论讲什么",
    "举个例子",
    "那酒店呢",
    "移情服务有哪些要素",
]


#: Seconds the victim reads an answer before asking again: a person's pace, within `when_busy`'s
#: 12 messages a minute.
READING_SECONDS = 5
FLOODERS = 16
LONG_MESSAGE = ("客户投诉处理流程里情绪安抚和补偿方案应该怎样配合才能让客户满意" * 20)[:500]


def victim_turns(sender: str, latencies: list[float], texts: list[str]) -> None:
    """A person asking the questions once, reading each answer for a few seconds."""
    for message in QUESTIONS:
        started = time.perf_counter()
        status, body = post_from("127.0.0.2", sender, message)
        latencies.append(time.perf_counter() - started)
        assert status == 200, body
        texts.append(body)
        time.sleep(READING_SECONDS)


def p95(values: list[float]) -> float:
    """Nearest rank: of 12 values, the second largest (one outlier is not the 95th percentile)."""
    return sorted(values)[max(0, int(round(0.95 * (len(values) - 1))))]


class Flood:
    """Sixteen clients, one address each, sending 500-character messages as fast as they are
    answered or refused, each message as a new sender (so only the address limits apply)."""

    def __init__(self) -> None:
        self.outcomes: list[int] = []  # appended by every client's thread (list.append is atomic)
        self.unavailable: list[int] = []  # clients that were told 「暂时不可用」
        self._answered = [threading.Event() for _ in range(FLOODERS)]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> Flood:
        self._threads = [threading.Thread(target=self._flood, args=(n,), daemon=True) for n in range(FLOODERS)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)  # each waits for its last answer: the next phase starts quiet

    def wait_for_the_first_wave(self, timeout: float = 180) -> None:
        """Until every client has had an answer (or a refusal) to its first message: those sixteen
        messages at once from sixteen new clients are served like sixteen colleagues asking at the
        same moment, which no limit can tell apart. Waiting for the answers rather than a fixed
        time keeps that first wave out of the measurement however slowly a loaded machine serves it."""
        deadline = time.monotonic() + timeout
        for answered in self._answered:
            assert answered.wait(max(0.0, deadline - time.monotonic())), (
                f"the flood's first messages were not all answered within {timeout:.0f} s"
            )

    def _flood(self, n: int) -> None:
        address = f"127.0.0.{10 + n}"
        while not self._stop.is_set():
            try:
                status, body = post_from(address, f"it-flood-{n}-{secrets.token_hex(3)}", LONG_MESSAGE, timeout=60)
            except OSError:
                status, body = 0, ""
            self.outcomes.append(status)
            if UNAVAILABLE in body:
                self.unavailable.append(n)
            self._answered[n].set()


def test_flooding_clients_do_not_starve_another_user(assistant: Assistant) -> None:
    """The victim's turns alternate between quiet and flooded phases (quiet, flood, quiet, flood), so
    that whatever else loads this shared machine meanwhile weighs on both samples alike; each
    sample is the six questions asked twice. Measured: the review's 11 s p95 and a third of the
    turns 「暂时不可用」 without limits."""
    quiet: list[float] = []
    flooded: list[float] = []
    texts: list[str] = []
    floods: list[Flood] = []
    for phase in range(2):
        victim_turns(f"it-victim-quiet-{phase}-{secrets.token_hex(3)}", quiet, texts)
        with Flood() as flood:
            flood.wait_for_the_first_wave()
            victim_turns(f"it-victim-flooded-{phase}-{secrets.token_hex(3)}", flooded, texts)
        floods.append(flood)
    outcomes = [status for flood in floods for status in flood.outcomes]
    print(
        f"\nvictim p95 quiet {p95(quiet) * 1000:.0f} ms (max {max(quiet) * 1000:.0f}), flooded "
        f"{p95(flooded) * 1000:.0f} ms (max {max(flooded) * 1000:.0f}); flood: {len(outcomes)} messages, "
        f"{outcomes.count(429)} refused (429), {outcomes.count(200)} answered, other {len(outcomes) - outcomes.count(429) - outcomes.count(200)}"
    )
    assert not any(UNAVAILABLE in text for text in texts)
    assert [n for flood in floods for n in flood.unavailable] == []  # nor did the flood make it fall over
    assert all(status in (200, 429) for status in outcomes), outcomes
    assert outcomes.count(200) >= FLOODERS  # a flood, served while there was room, not a wall of refusals
    # The victim's p95 is printed, not asserted: a time varies with the machine's load (0.6-1.7 s here,
    # 6.4 s on a loaded CI run; README, rate limits). Without limits a third of its turns were
    # 「暂时不可用」, which the assertions above catch.
    assert outcomes.count(429) > 0  # the limits did the work


def test_one_sender_too_fast_gets_the_polite_reply_with_the_wait(assistant: Assistant) -> None:
    sender = f"it-too-fast-{secrets.token_hex(3)}"
    statuses = [post_from("127.0.0.3", sender, "你好") for _ in range(12)]
    assert [s for s, _ in statuses[:10]] == [200] * 10
    status, body = statuses[-1]
    assert status == 429 and "秒后再发" in json.loads(body)["error"]


# --- replay ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_at", [978307200, int(time.time()) - 37 * 60])  # 2001; 37 minutes ago
def test_a_wecom_callback_signed_long_ago_is_refused(wecom: FakeWeComClient, signed_at: int) -> None:
    user = f"lisi{secrets.token_hex(3)}"
    refused = wecom.send_text(user, "什么是移情服务", timestamp=signed_at)
    assert refused.status == 403 and refused.content is None
    assert tracker_texts(f"wecom:{user}") == []


def test_a_replayed_wecom_callback_is_answered_once(wecom: FakeWeComClient) -> None:
    user = f"wangwu{secrets.token_hex(3)}"
    first = wecom.send_text(user, "什么是移情服务")
    assert first.status == 200 and first.content
    captured = wecom.last_request
    for _ in range(3):
        again = wecom.replay(captured)
        assert again.status == 200 and again.content is None  # acknowledged, not answered
    assert tracker_texts(f"wecom:{user}").count("什么是移情服务") == 1
