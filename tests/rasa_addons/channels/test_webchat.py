"""The web chat channel, served by a real Sanic app on a free local port and driven by a
python-socketio client: session rooms (RasaHQ/rasa#13027), the page's routes, allowed origins."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from rasa_addons.channels.guard import EMPTY, reply
from rasa_addons.channels.ownership import SessionTokens
from rasa_addons.channels.webchat.channel import AllowedOrigins, WebChatInput
from tests.rasa_addons.serving import channel_server

SESSION = "0123456789abcdef0123456789abcdef"  # a session id the client made up
TOKENS = SessionTokens(b"webchat-test-secret-0123456789")
ANSWER = "移情服务是以同理心体察客户需要的服务。\n\n• 倾听\n• 回应\n\n来源：《移情服务》· 定义"
BUTTONS = [
    {"title": "移情服务有哪些要素", "payload": "移情服务有哪些要素"},
    {"title": "👍 有帮助", "payload": "/feedback_positive"},
]


class EchoAgent:
    """Stands in for Rasa's agent: answers every message with ANSWER and two buttons."""

    def __init__(self) -> None:
        self.senders: list[str] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.senders.append(message.sender_id)
        # As Rasa's processor does: one dict per bot message, dispatched by send_response.
        await message.output_channel.send_response(message.sender_id, {"text": ANSWER, "buttons": BUTTONS})


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic rewrites its own methods at start-up, which breaks on a second app in one process."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@asynccontextmanager
async def serving(channel: WebChatInput) -> AsyncIterator[tuple[str, EchoAgent]]:
    """The channel registered on a Sanic app exactly as `rasa run` does, on 127.0.0.1:<free port>."""
    agent = EchoAgent()
    async with channel_server(channel, agent) as base:
        try:
            yield base, agent
        finally:
            await channel.sio.shutdown()


def run(scenario: Callable[[], Any]) -> Any:
    return asyncio.run(asyncio.wait_for(scenario(), timeout=20))


async def connect(url: str, headers: dict[str, str] | None = None) -> tuple[socketio.AsyncClient, asyncio.Queue]:
    client = socketio.AsyncClient(reconnection=False)
    events: asyncio.Queue = asyncio.Queue()
    client.on("session_confirm", lambda data: events.put_nowait(("session_confirm", data)))
    client.on("bot_uttered", lambda data: events.put_nowait(("bot_uttered", data)))
    await client.connect(url, headers=headers or {}, transports=["polling"], wait_timeout=5)
    return client, events


async def close(client: socketio.AsyncClient) -> None:
    """Drop the connection at once (a polite polling disconnect waits for the pending long poll)."""
    await client.eio.disconnect(abort=True)


async def next_event(events: asyncio.Queue, seconds: float = 3.0) -> tuple[str, Any]:
    return await asyncio.wait_for(events.get(), timeout=seconds)


async def new_session(client: socketio.AsyncClient, events: asyncio.Queue, token: Any = None) -> str:
    await client.emit("session_request", {"session_id": token})
    name, confirmed = await next_event(events)
    assert name == "session_confirm"
    return confirmed


def test_reply_reaches_the_session_room_with_session_persistence() -> None:
    # Rasa 3.6's own handler does not await enter_room (rasa#13027): the reply would never arrive.
    async def scenario() -> str:
        async with serving(WebChatInput(session_persistence=True, sessions=TOKENS)) as (url, agent):
            client, events = await connect(url)
            token = await new_session(client, events)
            await client.emit("user_uttered", {"message": "什么是移情服务", "session_id": token})
            name, reply = await next_event(events)
            with pytest.raises(asyncio.TimeoutError):  # and nothing else: the guard saw the reply
                await next_event(events, 0.5)
            await close(client)
        assert agent.senders == ["webchat:" + TOKENS.verify(token)]  # the id only, never the token
        assert name == "bot_uttered"
        assert reply["text"] == ANSWER  # one message: the source line stays with its answer
        assert [(b["title"], b["payload"]) for b in reply["quick_replies"]] == [
            (b["title"], b["payload"]) for b in BUTTONS
        ]
        return token

    token = run(scenario)
    assert TOKENS.verify(token) is not None and token.split(".")[0] not in ("", token)


def test_a_reconnected_socket_gets_the_replies_of_its_session() -> None:
    async def scenario() -> None:
        async with serving(WebChatInput(sessions=TOKENS)) as (url, agent):
            first, events = await connect(url)
            token = await new_session(first, events)
            await close(first)
            second, events = await connect(url)
            assert await new_session(second, events, token) == token  # e.g. after a reload of the page
            await second.emit("user_uttered", {"message": "举个例子", "session_id": token})
            assert (await next_event(events))[0] == "bot_uttered"
            await close(second)

    run(scenario)


def test_a_session_outlives_the_server_that_issued_it() -> None:
    """Another server of the cluster, or this one restarted, with the same WEBCHAT_SESSION_SECRET."""
    token = SessionTokens(b"the-cluster-secret-0123").issue()
    assert SessionTokens(b"the-cluster-secret-0123").verify(token) == token.split(".")[0]
    assert SessionTokens(b"another-secret-01234567").verify(token) is None


@pytest.mark.parametrize(
    "bad",
    [None, "", "../../etc", "张三 zhangsan/../x", "短", "x" * 200, 42, SESSION, SESSION + ".AAAAAAAAAAAAAAAAAAAAAA"],
)
def test_a_session_the_server_did_not_issue_is_replaced(bad: Any) -> None:
    async def scenario() -> str:
        async with serving(WebChatInput(sessions=TOKENS)) as (url, _):
            client, events = await connect(url)
            token = await new_session(client, events, bad)
            await close(client)
        return token

    token = run(scenario)
    assert token != bad and TOKENS.verify(token) is not None


def test_another_socket_cannot_join_a_session_by_its_id() -> None:
    """The id is what logs, the database and the HTTP API show; it is no key to the session."""

    async def scenario() -> None:
        async with serving(WebChatInput(sessions=TOKENS)) as (url, agent):
            owner, owner_events = await connect(url)
            token = await new_session(owner, owner_events)
            session = TOKENS.verify(token)
            intruder, intruder_events = await connect(url)
            assert await new_session(intruder, intruder_events, session) != token  # a session of its own
            await owner.emit("user_uttered", {"message": "我的问题", "session_id": token})
            assert (await next_event(owner_events))[0] == "bot_uttered"
            with pytest.raises(asyncio.TimeoutError):  # the intruder hears nothing of it
                await next_event(intruder_events, 1.0)
            await intruder.emit("user_uttered", {"message": "写进别人的对话", "session_id": session})
            name, refusal = await next_event(intruder_events)
            assert name == "bot_uttered" and "不属于当前连接" in refusal["text"]
            await close(owner)
            await close(intruder)
        assert agent.senders == ["webchat:" + session]

    run(scenario)


def test_a_socket_cannot_write_into_another_session_even_with_its_token() -> None:
    """A socket belongs to the session it joined; a message for another one is refused."""

    async def scenario() -> None:
        async with serving(WebChatInput(sessions=TOKENS)) as (url, agent):
            owner, owner_events = await connect(url)
            token = await new_session(owner, owner_events)
            other, other_events = await connect(url)
            own_token = await new_session(other, other_events)
            await other.emit("user_uttered", {"message": "换个会话写", "session_id": token})
            assert "不属于当前连接" in (await next_event(other_events))[1]["text"]
            with pytest.raises(asyncio.TimeoutError):
                await next_event(owner_events, 0.5)
            await other.emit("user_uttered", {"message": "我自己的", "session_id": own_token})
            assert (await next_event(other_events))[0] == "bot_uttered"
            await close(owner)
            await close(other)
        assert agent.senders == ["webchat:" + TOKENS.verify(own_token)]

    run(scenario)


def test_empty_message_gets_the_guard_reply() -> None:
    async def scenario() -> None:
        async with serving(WebChatInput(sessions=TOKENS)) as (url, agent):
            client, events = await connect(url)
            token = await new_session(client, events)
            await client.emit("user_uttered", {"message": "   ", "session_id": token})
            assert await next_event(events) == ("bot_uttered", {"text": reply(EMPTY)})
            await close(client)
        assert agent.senders == []

    run(scenario)


async def fetch(url: str) -> tuple[int, dict[str, str], str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, dict(response.headers), await response.text()


def test_page_and_its_files_are_served(tmp_path: Path) -> None:
    client_js = tmp_path / "socket.io.min.js"
    client_js.write_text("/* socket.io client */")

    async def scenario() -> dict[str, tuple[int, dict[str, str], str]]:
        channel = WebChatInput(
            socketio_client=client_js, allowed_origins=AllowedOrigins.parse("https://intranet.example.com")
        )
        async with serving(channel) as (url, _):
            paths = [
                "chat",
                "static/app.js",
                "static/style.css",
                "socket.io.min.js",
                "config",
                "static/index.html",
                "static/..%2Fchannel.py",
                "",
            ]
            return {path: await fetch(f"{url}/webhooks/webchat/{path}") for path in paths}

    got = run(scenario)
    status, headers, body = got["chat"]
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<title>共情服务知识助手</title>" in body and 'src="socket.io.min.js"' in body
    assert "frame-ancestors 'self' https://intranet.example.com" in headers["Content-Security-Policy"]
    assert got["static/app.js"][0] == 200 and "textContent" in got["static/app.js"][2]
    assert got["static/style.css"][0] == 200 and got["static/style.css"][1]["Content-Type"].startswith("text/css")
    assert got["socket.io.min.js"][:1] == (200,) and got["socket.io.min.js"][2] == "/* socket.io client */"
    assert '"bot_message_evt":"bot_uttered"' in got["config"][2]
    assert got["static/index.html"][0] == 404  # only the listed files, nothing else of the package
    assert got["static/..%2Fchannel.py"][0] == 404
    assert got[""][0] == 200  # Rasa's health route of the channel is kept


def test_no_websocket_upgrade_is_offered() -> None:
    # Sanic 21.12's WebSocket fails on Python 3.11; a browser must stay on long-polling.
    async def scenario() -> str:
        async with serving(WebChatInput()) as (url, _):
            return (await fetch(f"{url}/socket.io/?EIO=4&transport=polling"))[2]

    assert '"upgrades":[]' in run(scenario)


def test_missing_client_bundle_is_an_honest_503(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> tuple[int, dict[str, str], str]:
        async with serving(WebChatInput(socketio_client=tmp_path / "absent.js")) as (url, _):
            return await fetch(f"{url}/webhooks/webchat/socket.io.min.js")

    with caplog.at_level(logging.ERROR):
        status, _, body = run(scenario)
    assert status == 503 and "scripts/setup.sh" in body
    assert "absent.js is missing" in caplog.text


@pytest.mark.parametrize(
    ("origin", "accepted"),
    [("https://intranet.example.com", True), ("https://evil.example", False), (None, True)],
)
def test_sockets_only_from_the_page_itself_and_configured_origins(origin: str | None, accepted: bool) -> None:
    async def scenario() -> bool:
        channel = WebChatInput(allowed_origins=AllowedOrigins.parse("https://intranet.example.com"))
        async with serving(channel) as (url, _):
            headers = {"Origin": origin} if origin else {}
            try:
                client, _ = await connect(url, headers)
            except socketio.exceptions.ConnectionError:
                return False
            await close(client)
            return True

    assert run(scenario) is accepted


def test_the_page_own_origin_is_accepted_without_configuration() -> None:
    async def scenario() -> None:
        async with serving(WebChatInput()) as (url, _):
            client, _ = await connect(url, {"Origin": url})
            await close(client)
            with pytest.raises(socketio.exceptions.ConnectionError):
                await connect(url, {"Origin": "http://localhost:1"})

    run(scenario)


def test_allowed_origins_parse() -> None:
    allowed = AllowedOrigins.parse(" https://a.example.com/, http://b.example:8080  https://c.example ")
    assert allowed.extra == {"https://a.example.com", "http://b.example:8080", "https://c.example"}
    assert AllowedOrigins.parse("").extra == frozenset()
    for bad in ["*", "intranet.example.com", "https://a.example.com/chat", "ftp://a.example.com"]:
        with pytest.raises(ValueError, match="RASA_CORS_ORIGINS"):
            AllowedOrigins.parse(bad)


def test_allowed_origins_follow_a_reverse_proxy() -> None:
    environ = {
        "HTTP_HOST": "127.0.0.1:5005",
        "wsgi.url_scheme": "http",
        "HTTP_X_FORWARDED_HOST": "chat.example.com",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    assert AllowedOrigins()("https://chat.example.com", environ)
    assert AllowedOrigins()("http://127.0.0.1:5005", environ)
    assert not AllowedOrigins()("https://other.example.com", environ)


def test_from_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASA_CORS_ORIGINS", "https://intranet.example.com")
    channel = WebChatInput.from_credentials(
        {"user_message_evt": "u", "bot_message_evt": "b", "session_persistence": True, "socketio_client": "x.js"}
    )
    assert (channel.user_message_evt, channel.bot_message_evt, channel.socketio_client) == ("u", "b", Path("x.js"))
    assert channel.allowed_origins.extra == {"https://intranet.example.com"}
    with pytest.raises(ValueError, match="unknown keys \\['namespace'\\]"):
        WebChatInput.from_credentials({"namespace": "/chat"})
    monkeypatch.setenv("RASA_CORS_ORIGINS", "*")
    with pytest.raises(ValueError, match="RASA_CORS_ORIGINS"):
        WebChatInput.from_credentials({})
