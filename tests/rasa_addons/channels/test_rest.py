"""The REST channel on a real Sanic app: conversations of its own, no cross-site simple requests,
rate limits with a polite reply, and who may speak for a sender."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import jwt
import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from rasa_addons.channels import limits
from rasa_addons.channels.guard import RATE_LIMITED, reply
from rasa_addons.channels.origins import AllowedOrigins
from rasa_addons.channels.rest import GuardedRestInput, SenderAuth
from tests.rasa_addons.serving import channel_server

SECRET = "shared-secret-of-the-portal-0123"


class EchoAgent:
    """Stands in for Rasa's agent: answers every message and remembers the conversation ids."""

    def __init__(self) -> None:
        self.senders: list[str] = []
        self.metadata: list[Any] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.senders.append(message.sender_id)
        self.metadata.append(message.metadata)
        await message.output_channel.send_response(message.sender_id, {"text": f"回答：{message.text}"})


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Sanic rewrites its own methods at start-up, which breaks on a second app in one process."""
    monkeypatch.setattr(Sanic, "test_mode", True)
    limits.configure(None)
    yield
    limits.configure(None)


@asynccontextmanager
async def serving(channel: GuardedRestInput, proxies: int = 0) -> AsyncIterator[tuple[str, EchoAgent]]:
    agent = EchoAgent()
    async with channel_server(channel, agent, proxies) as base:
        yield f"{base}/webhooks/rest/webhook", agent


async def post(url: str, body: Any = None, **kwargs: Any) -> tuple[int, Any, dict[str, str]]:
    async with aiohttp.ClientSession() as session:
        if body is not None:
            kwargs["json"] = body
        async with session.post(url, **kwargs) as response:
            return response.status, await response.json(content_type=None), dict(response.headers)


def run(scenario: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, timeout=20))


def test_a_rest_sender_is_a_conversation_of_its_own_and_replies_name_it_as_sent() -> None:
    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, agent):
            status, replies, _ = await post(url, {"sender": "zhangsan", "message": "什么是移情服务"})
            assert status == 200
            assert replies == [{"recipient_id": "zhangsan", "text": "回答：什么是移情服务"}]
            assert agent.senders == ["rest:zhangsan"]  # never wecom:zhangsan

    run(scenario())


@pytest.mark.parametrize(
    ("headers", "data", "status"),
    [
        ({"Content-Type": "text/plain"}, '{"sender": "zhangsan", "message": "hi"}', 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "sender=zhangsan&message=hi", 415),
        (
            {"Content-Type": "application/json", "Origin": "https://evil.example"},
            '{"sender": "z", "message": "hi"}',
            403,
        ),
    ],
)
def test_what_a_cross_site_page_could_send_is_refused_before_the_bot(headers, data, status) -> None:
    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, agent):
            got, body, _ = await post(url, data=data, headers=headers)
            assert got == status and "error" in body
            assert agent.senders == []

    run(scenario())


def test_the_pages_own_and_the_allowed_origins_are_taken() -> None:
    async def scenario() -> None:
        channel = GuardedRestInput(origins=AllowedOrigins.parse("https://intranet.example.com"))
        async with serving(channel) as (url, agent):
            own = url.split("/webhooks")[0]
            for origin in (own, "https://intranet.example.com"):
                status, _, _ = await post(url, {"sender": "z", "message": "hi"}, headers={"Origin": origin})
                assert status == 200, origin
            assert len(agent.senders) == 2

    run(scenario())


def test_a_sender_over_its_rate_gets_a_429_with_the_wait_and_others_go_on() -> None:
    limits.configure({"per_sender": {"burst": 3, "per_minute": 6}})

    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, agent):
            statuses = [(await post(url, {"sender": "flood", "message": "你好"}))[0] for _ in range(3)]
            status, body, headers = await post(url, {"sender": "flood", "message": "你好"})
            assert statuses == [200, 200, 200] and status == 429
            assert body["error"] == reply(RATE_LIMITED, seconds=10) and headers["Retry-After"] == "10"
            assert (await post(url, {"sender": "colleague", "message": "你好"}))[0] == 200
            assert agent.senders.count("rest:flood") == 3

    run(scenario())


def test_one_address_over_its_rate_is_refused_whatever_senders_it_names() -> None:
    limits.configure({"per_address": {"burst": 4, "per_minute": 6}, "per_sender": None})

    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, agent):
            statuses = [(await post(url, {"sender": f"u{n}", "message": "你好"}))[0] for n in range(6)]
            assert statuses == [200, 200, 200, 200, 429, 429]
            assert len(agent.senders) == 4

    run(scenario())


def test_a_refusal_is_answered_after_a_pause_so_a_looping_client_slows_down() -> None:
    limits.configure({"per_sender": {"burst": 1, "per_minute": 1}})

    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, _):
            await post(url, {"sender": "loop", "message": "你好"})
            started = asyncio.get_running_loop().time()
            assert (await post(url, {"sender": "loop", "message": "你好"}))[0] == 429
            assert asyncio.get_running_loop().time() - started >= 0.9

    run(scenario())


def test_behind_a_proxy_the_address_is_the_forwarded_one() -> None:
    limits.configure({"per_address": {"burst": 2, "per_minute": 60}, "per_sender": None})

    async def scenario() -> None:
        async with serving(GuardedRestInput(), proxies=1) as (url, _):

            async def from_(address: str) -> int:
                headers = {"X-Forwarded-For": f"203.0.113.9, {address}"}  # nginx appends the client's
                return (await post(url, {"sender": "z", "message": "hi"}, headers=headers))[0]

            assert [await from_("10.0.0.1") for _ in range(3)] == [200, 200, 429]
            assert await from_("10.0.0.2") == 200  # another client behind the same proxy

    run(scenario())


def test_limits_can_be_turned_off() -> None:
    limits.configure({"per_sender": {"burst": 1, "per_minute": 1}}, enabled=False)

    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, _):
            assert [(await post(url, {"sender": "bench", "message": "你好"}))[0] for _ in range(5)] == [200] * 5

    run(scenario())


def test_oversized_metadata_is_refused() -> None:
    async def scenario() -> None:
        async with serving(GuardedRestInput()) as (url, agent):
            status, body, _ = await post(url, {"sender": "z", "message": "hi", "metadata": {"x": "数" * 3000}})
            assert status == 400 and "metadata" in body["error"] and agent.senders == []
            assert (await post(url, {"sender": "z", "message": "hi", "metadata": {"page": "faq"}}))[0] == 200
            assert agent.metadata == [{"page": "faq"}]

    run(scenario())


def test_a_shared_secret_speaks_for_any_sender_and_nothing_else_does() -> None:
    async def scenario() -> None:
        async with serving(GuardedRestInput(SenderAuth("secret", SECRET))) as (url, agent):
            body = {"sender": "zhangsan", "message": "你好"}
            assert (await post(url, body))[0] == 401
            assert (await post(url, body, headers={"Authorization": "Bearer wrong-secret-0123456789"}))[0] == 401
            assert (await post(url, body, headers={"Authorization": f"Bearer {SECRET}"}))[0] == 200
            assert agent.senders == ["rest:zhangsan"]

    run(scenario())


def token(subject: dict[str, Any], key: str = SECRET, expires_in: float | None = 600) -> str:
    claims = dict(subject)
    if expires_in is not None:
        claims["exp"] = int(time.time() + expires_in)
    return jwt.encode(claims, key, algorithm="HS256")


@pytest.mark.parametrize(
    ("credential", "status"),
    [
        (token({"sub": "zhangsan"}), 200),
        (token({"user": {"username": "zhangsan", "role": "user"}}), 200),  # Rasa's own JWT shape
        (token({"sub": "lisi"}), 401),  # someone else's
        (token({"sub": "zhangsan"}, expires_in=-60), 401),
        (token({"sub": "zhangsan"}, expires_in=None), 401),  # no expiry
        (token({"sub": "zhangsan"}, key="another-key-of-16-chars"), 401),
        ("not-a-jwt", 401),
    ],
)
def test_a_jwt_speaks_for_the_sender_it_names(credential: str, status: int) -> None:
    async def scenario() -> None:
        async with serving(GuardedRestInput(SenderAuth("jwt", SECRET))) as (url, _):
            got = await post(
                url, {"sender": "zhangsan", "message": "你好"}, headers={"Authorization": f"Bearer {credential}"}
            )
            assert got[0] == status

    run(scenario())


def test_settings_are_checked_at_start_up() -> None:
    with pytest.raises(ValueError, match="shared_secret"):
        GuardedRestInput.from_credentials({"sender_auth": "secret", "shared_secret": ""})
    with pytest.raises(ValueError, match="sender_auth"):
        GuardedRestInput.from_credentials({"sender_auth": "password"})
    with pytest.raises(ValueError, match="unknown keys"):
        GuardedRestInput.from_credentials({"senderauth": "open"})
    assert GuardedRestInput.from_credentials({"sender_auth": "jwt", "jwt_secret": SECRET}).sender_auth.mode == "jwt"
