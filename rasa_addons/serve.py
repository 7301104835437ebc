"""`rasa run` with its secrets and CORS origins taken from the environment, and scrubbed logs.

Why not `rasa run --auth-token $TOKEN`: a command line is readable by every user of the machine
(`ps`, /proc/<pid>/cmdline). This launcher adds the options inside the process instead, installs
the log scrubber (redaction.py) before Rasa logs anything, and refuses to serve the HTTP API
(`--enable-api`) without authentication, and checks the JSON of API requests (api_guard.py).

Environment (see README, "Security notes"):
- RASA_AUTH_TOKEN   token for the HTTP API (`?token=…`); scripts/run.sh generates one if unset.
- RASA_JWT_SECRET   optional: also accept JWTs signed with it (`Authorization: Bearer …`).
- RASA_CORS_ORIGINS optional: origins allowed to call the server from a browser, separated by
                    spaces or commas (`https://intranet.example.com`); default none.

Usage:
    RASA_AUTH_TOKEN=… .venv-rasa/bin/python -m rasa_addons.serve run --enable-api --model models/rasa
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from rasa_addons.api_guard import check_api_request
from rasa_addons.core.action_requests import send_recent_events
from rasa_addons.core.action_results import validate_action_results_once
from rasa_addons.core.applied_events import remember_applied_events
from rasa_addons.core.event_types import remember_event_types
from rasa_addons.core.rule_window import featurize_recent_rule_states
from rasa_addons.core.tracker_copy import copy_trackers_without_replay
from rasa_addons.redaction import SecretRedactor

if TYPE_CHECKING:
    from sanic import Sanic
    from sanic.request import Request
    from sanic.response import HTTPResponse

log = logging.getLogger(__name__)


class LaunchError(ValueError):
    """The environment asks for something unsafe or malformed; the message says what to fix."""


def cors_origins(value: str) -> list[str]:
    """RASA_CORS_ORIGINS as a list: `*` or origins such as `https://host[:port]`, nothing else."""
    origins = [item for item in re.split(r"[\s,]+", value.strip()) if item]
    for origin in origins:
        if origin == "*":
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
            raise LaunchError(f"RASA_CORS_ORIGINS: {origin!r} is not an origin such as https://chat.example.com")
    return [origin.rstrip("/") for origin in origins]


def rasa_arguments(argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The `rasa` command line: `argv` plus authentication and CORS options from `env`."""
    argv = list(argv)
    for option in ("--auth-token", "--jwt-secret", "--cors", "-t"):
        if any(arg == option or arg.startswith(option + "=") for arg in argv):
            raise LaunchError(f"{option} comes from the environment (see rasa_addons/serve.py), not the command line")
    token = env.get("RASA_AUTH_TOKEN", "").strip()
    jwt_secret = env.get("RASA_JWT_SECRET", "").strip()
    if "--enable-api" in argv and not (token or jwt_secret):
        raise LaunchError("the HTTP API (--enable-api) needs RASA_AUTH_TOKEN or RASA_JWT_SECRET")
    # `--option=value`: a value starting with "-" would otherwise be read as an option
    if token:
        argv.append(f"--auth-token={token}")
    if jwt_secret:
        argv.append(f"--jwt-secret={jwt_secret}")
    origins = cors_origins(env.get("RASA_CORS_ORIGINS", ""))
    if origins:
        argv += ["--cors", *origins]
    return argv


def install_api_guard(token: str) -> None:
    """Let every Rasa app check authenticated API requests' JSON first (api_guard.py).

    Rasa offers no hook for this on its command line, hence the wrapped `rasa.server.create_app`.
    Anonymous requests are left to Rasa, so that they get its 401 whatever their body.
    """
    import rasa.server
    from sanic import response

    create_app = rasa.server.create_app

    def create_checked_app(*args: Any, **kwargs: Any) -> Sanic:
        app = create_app(*args, **kwargs)

        @app.middleware("request")
        async def check(request: Request) -> HTTPResponse | None:
            authenticated = (token and request.args.get("token") == token) or "Authorization" in request.headers
            if not authenticated or "emulation_mode" in request.args:
                return None
            agent = getattr(request.app.ctx, "agent", None)
            domain = getattr(agent, "domain", None)
            actions = domain.action_names_or_texts if domain is not None else None
            refused = check_api_request(request.method, request.path, request.body or b"", actions)
            if refused is None:
                return None
            log.warning("refused an HTTP API request to %s with %d: %s", request.path, refused.status, refused.reason)
            return response.json(refused.body(), status=refused.status, ensure_ascii=False)

        return app

    rasa.server.create_app = create_checked_app


def main() -> None:
    try:
        arguments = rasa_arguments(sys.argv[1:], os.environ)
    except LaunchError as error:
        sys.exit(f"rasa_addons.serve: {error}")
    SecretRedactor.from_env(os.environ).install()
    from rasa.__main__ import main as rasa_main  # after the scrubber: Rasa logs while importing

    install_api_guard(os.environ.get("RASA_AUTH_TOKEN", "").strip())
    validate_action_results_once()
    remember_event_types()
    send_recent_events()
    remember_applied_events()
    copy_trackers_without_replay()
    featurize_recent_rule_states()

    sys.argv = ["rasa", *arguments]
    rasa_main()


if __name__ == "__main__":
    main()
