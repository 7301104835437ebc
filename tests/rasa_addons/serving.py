"""Sanic apps served on 127.0.0.1:<free port> for the Rasa-side tests to talk to over real HTTP:
any app (the Rasa server's own), or a chat channel registered exactly as `rasa run` does."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.channels.channel import InputChannel, register
from sanic import Sanic


@asynccontextmanager
async def served(app: Sanic) -> AsyncIterator[str]:
    """Serves `app` until the block ends; yields the base URL (http://127.0.0.1:port)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    await server.startup()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def channel_server(channel: InputChannel, agent: Any, proxies: int = 0) -> AsyncIterator[str]:
    """Serves `channel` with `agent` as Rasa's agent; yields the base URL.
    `proxies`: Sanic's PROXIES_COUNT (scripts/run-cluster.sh sets 1: behind nginx)."""
    app = Sanic(f"channel_test_{uuid.uuid4().hex}")
    app.config.PROXIES_COUNT = proxies
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    async with served(app) as base:
        yield base
