"""Log-in and log-out.

The log-in form carries a CSRF token too (a random cookie it must match), failed attempts are
counted per name and per address, and too many lock both for a while. Log-ins and failures are
logged for the operator (never a password).
"""

from __future__ import annotations

import logging
import math
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from console.routes import services
from console.security import COOKIE, LOGIN_COOKIE, safe_next
from console.web import render

log = logging.getLogger(__name__)


async def login_page(request: Request, error: str = "", status: int = 200) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    context = {"login_csrf": token, "error": error, "next": safe_next(request.query_params.get("next"))}
    response = render(request, "login.html", context, status)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_https(request), path="/login")
    return response


async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=10_000)
    sent, expected = str(form.get("csrf_token") or ""), request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        return await login_page(request, "页面已过期，请重新输入。", 403)
    name, password = str(form.get("name") or "").strip()[:64], str(form.get("password") or "")
    address = request.client.host if request.client else "?"
    found = services(request)
    options = found.options
    window = options.lockout_minutes * 60
    wait = found.sessions.locked_for(name, address, options.lockout_failures, window)
    if wait > 0:
        log.warning("log-in of %r from %s refused: locked for %.0f s", name, address, wait)
        return await login_page(request, f"登录失败次数过多，请 {math.ceil(wait / 60)} 分钟后再试。", 429)
    trainer = found.trainers.verify(name, password)
    if trainer is None:
        found.sessions.record_failure(name, address, window)
        log.warning("failed log-in of %r from %s", name, address)
        return await login_page(request, "用户名或密码不正确。", 401)
    found.sessions.clear_failures(name)
    token, _ = found.sessions.create(trainer.name)
    log.info("trainer %s logged in from %s", trainer.name, address)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=options.session_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=_https(request),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


async def logout(request: Request) -> Response:
    services(request).sessions.end(request.state.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _https(request: Request) -> bool:
    """Behind the intranet's HTTPS proxy (X-Forwarded-Proto from a trusted proxy) cookies are Secure."""
    return request.url.scheme == "https"
