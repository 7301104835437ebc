"""Rasa's own app (rasa.server.create_app, with a chat channel) as rasa_addons.serve builds it:
bodies refused by size before they are read, the token in the Authorization header, and Rasa's
401 before any other check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import rasa.core.run
import rasa.server
from rasa.core.channels.channel import register
from sanic import Sanic

from rasa_addons.api_guard import authenticate_api_requests
from rasa_addons.channels.rest import GuardedRestInput
from rasa_addons.request_limits import MAX_API_BYTES, MAX_CHAT_BYTES, bound_requests
from tests.rasa_addons.serving import served

TOKEN = "api-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    monkeypatch.setattr(rasa.server, "requires_auth", rasa.server.requires_auth)
    monkeypatch.setattr(rasa.server, "create_app", rasa.server.create_app)
    monkeypatch.setattr(rasa.core.run, "_create_app_without_api", rasa.core.run._create_app_without_api)
    authenticate_api_requests()
    authenticate_api_requests()  # idempotent
    bound_requests()
    bound_requests()
    yield


@asynccontextmanager
async def rasa_app() -> AsyncIterator[str]:
    Sanic._app_registry.pop("rasa_server", None)
    app = rasa.server.create_app(auth_token=TOKEN)
    register([GuardedRestInput()], app, route="/webhooks/")
    try:
        async with served(app) as base:
            yield base
    finally:
        Sanic._app_registry.pop("rasa_server", None)


async def request(method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(method, url, **kwargs) as response:
        text = await response.text()
        try:
            return response.status, await response.json(content_type=None)
        except ValueError:
            return response.status, text


def run(scenario: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, timeout=30))


def test_bodies_over_the_limit_are_refused_with_a_chinese_error() -> None:
    async def scenario() -> None:
        async with rasa_app() as url:
            status, body = await request(
                "POST",
                f"{url}/webhooks/rest/webhook",
                data=b"{" + b" " * MAX_CHAT_BYTES + b"}",
                headers={"Content-Type": "application/json"},
            )
            assert status == 413 and "64 KB" in body["error"]
            status, body = await request(
                "POST", f"{url}/model/parse", data=b"x" * (MAX_API_BYTES + 1), params={"token": TOKEN}
            )
            assert status == 413 and "1024 KB" in body["error"]

    run(scenario())


def test_a_huge_declared_body_is_refused_without_being_read() -> None:
    """A client that says it sends 100 MB gets its 413 before it has sent anything of it."""

    async def scenario() -> bytes:
        async with rasa_app() as url:
            host, port = url.removeprefix("http://").split(":")
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(
                b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000000\r\n\r\n{"
            )
            await writer.drain()
            head = await asyncio.wait_for(reader.read(200), timeout=5)
            writer.close()
            return head

    assert run(scenario()).startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    "credentials",
    [{}, {"headers": {"Authorization": "Bearer not-the-token"}}, {"headers": {"Authorization": "Token x"}}],
)
def test_without_valid_credentials_rasas_401_comes_before_any_check(credentials: dict) -> None:
    """An unauthenticated request must not learn anything, e.g. which action names exist."""

    async def scenario() -> None:
        async with rasa_app() as url:
            for body in (b"[1]", b'{"name": "action_no_such_thing"}', b'{"name": "utter_greet"}'):
                status, _ = await request("POST", f"{url}/conversations/u1/execute", data=body, **credentials)
                assert status == 401

    run(scenario())


def test_the_token_works_in_the_authorization_header_and_in_the_query() -> None:
    async def scenario() -> None:
        async with rasa_app() as url:
            for credentials in ({"headers": {"Authorization": f"Bearer {TOKEN}"}}, {"params": {"token": TOKEN}}):
                status, body = await request("POST", f"{url}/model/parse", data=b"[1]", **credentials)
                assert status == 400 and "JSON 对象" in body["error"]  # authenticated: the body check runs
                status, _ = await request("GET", f"{url}/status", **credentials)
                assert status != 401  # (409: no model loaded in this test)

    run(scenario())


def test_the_app_without_the_http_api_is_bounded_too() -> None:
    app = rasa.core.run._create_app_without_api(None)
    assert app.config.REQUEST_MAX_SIZE == MAX_API_BYTES and app.config.REQUEST_TIMEOUT == 10
    Sanic._app_registry.pop(app.name, None)
