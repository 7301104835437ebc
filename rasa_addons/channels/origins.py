"""Which web origins may talk to the chat channels: the page's own, plus those configured.

A browser names the page a request comes from in its `Origin` header. The web chat socket and the
REST webhook accept the origin the request was addressed to (directly, or as a reverse proxy
forwarded it: `X-Forwarded-Proto`, `X-Forwarded-Host`) and the origins listed in the env var
RASA_CORS_ORIGINS; a request without an `Origin` (curl, a server) is not a browser's cross-site
request and is left to the other checks.

Usage:
    allowed = AllowedOrigins.parse("https://intranet.example.com")
    allowed("https://intranet.example.com", {}), allowed("https://evil.example", {})  # → (True, False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ORIGINS_ENV = "RASA_CORS_ORIGINS"


@dataclass(frozen=True)
class AllowedOrigins:
    """The page's own origin and the configured ones; engine.io calls it as
    `cors_allowed_origins(origin, environ)`, the REST channel with `request_environ(request)`.

    allowed = AllowedOrigins.parse("https://intranet.example.com")
    allowed("https://intranet.example.com", {}), allowed("https://evil.example", {})  # → (True, False)
    """

    extra: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, value: str) -> AllowedOrigins:
        """Origins separated by commas or spaces, e.g. "https://a.example.com, http://b.example:8080"."""
        origins = [item.rstrip("/") for item in re.split(r"[,\s]+", value) if item]
        for origin in origins:
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                raise ValueError(f"{ORIGINS_ENV}: {origin!r} is not an origin such as https://intranet.example.com")
        return cls(frozenset(origins))

    def __call__(self, origin: str | None, environ: Mapping[str, Any]) -> bool:
        if not origin:
            return True
        origin = origin.rstrip("/")
        return origin in self.extra or origin in own_origins(environ)


def own_origins(environ: Mapping[str, Any]) -> set[str]:
    """The origin the request was addressed to, directly and as a reverse proxy forwarded it."""
    host = environ.get("HTTP_HOST")
    if not host:
        return set()
    scheme = environ.get("wsgi.url_scheme", "http")
    forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    return {f"{scheme}://{host}", f"{forwarded_scheme}://{forwarded_host}"}


def request_environ(request: Any) -> dict[str, str]:
    """The parts of a Sanic request that `own_origins` reads, as engine.io's WSGI environ names them."""
    headers = request.headers
    return {
        "HTTP_HOST": headers.get("host", ""),
        "wsgi.url_scheme": request.scheme,
        "HTTP_X_FORWARDED_PROTO": headers.get("x-forwarded-proto", request.scheme),
        "HTTP_X_FORWARDED_HOST": headers.get("x-forwarded-host", headers.get("host", "")),
    }
