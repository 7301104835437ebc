"""The console's pages, by concern: log-in, entries (browse, edit, check, try, save), history, hit test."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

if TYPE_CHECKING:
    from console.app import Services


def services(request: Request) -> Services:
    return request.app.state.services
