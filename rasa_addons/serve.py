"""`rasa run` with its secrets and CORS origins taken from the environment, and scrubbed logs.

Why not `rasa run --auth-token $TOKEN`: a command line is readable by every user of the machine
(`ps`, /proc/<pid>/cmdline). This launcher adds the options inside the process instead, installs
the log scrubber (redaction.py) before Rasa logs anything, refuses to serve the HTTP API
(`--enable-api`) without authentication, takes the token as `Authorization: Bearer` and checks
the JSON of authenticated API requests (api_guard.py), bounds request bodies before they are
read (request_limits.py), sets the rate limits of endpoints.yml (channels/limits.py), and
installs the changes of rasa_addons/core.

Environment (see README, "Security notes"):
- RASA_AUTH_TOKEN   token for the HTTP API (`Authorization: Bearer …`, or Rasa's `?token=…`);
                    scripts/run.sh generates one if unset.
- RASA_JWT_SECRET   optional: also accept JWTs signed with it (`Authorization: Bearer …`).
- RASA_CORS_ORIGINS optional: origins allowed to call the server from a browser, separated by
                    spaces or commas (`https://intranet.example.com`); default none.
- RASA_RATE_LIMITS  `off` turns the rate limits off (load benchmarks only).

Usage:
    RASA_AUTH_TOKEN=… .venv-rasa/bin/python -m rasa_addons.serve run --enable-api --model models/rasa
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from rasa_addons.api_guard import authenticate_api_requests
from rasa_addons.channels import limits
from rasa_addons.core.action_requests import send_recent_events
from rasa_addons.core.action_results import validate_action_results_once
from rasa_addons.core.applied_events import remember_applied_events
from rasa_addons.core.event_types import remember_event_types
from rasa_addons.core.rule_window import featurize_recent_rule_states
from rasa_addons.core.tracker_copy import copy_trackers_without_replay
from rasa_addons.redaction import SecretRedactor
from rasa_addons.request_limits import bound_requests

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


def endpoints_file(argv: Sequence[str]) -> Path:
    """The `--endpoints` file of a `rasa run` command line (Rasa's default: endpoints.yml)."""
    for position, arg in enumerate(argv):
        if arg == "--endpoints" and position + 1 < len(argv):
            return Path(argv[position + 1])
        if arg.startswith("--endpoints="):
            return Path(arg.split("=", 1)[1])
    return Path("endpoints.yml")


def rate_limit_settings(endpoints: Path) -> Any:
    """The `rate_limits:` block of the endpoints file (None: the defaults of channels/limits.py)."""
    try:
        data = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return None
    except (OSError, yaml.YAMLError) as exc:
        raise LaunchError(f"{endpoints}: cannot read: {exc}") from exc
    return data.get("rate_limits") if isinstance(data, dict) else None


def main() -> None:
    try:
        arguments = rasa_arguments(sys.argv[1:], os.environ)
        settings = rate_limit_settings(endpoints_file(arguments))
        limits.configure(settings, enabled=os.environ.get("RASA_RATE_LIMITS", "").strip().lower() != "off")
    except (LaunchError, ValueError) as error:
        sys.exit(f"rasa_addons.serve: {error}")
    SecretRedactor.from_env(os.environ).install()
    from rasa.__main__ import main as rasa_main  # after the scrubber: Rasa logs while importing

    if not limits.limits().enabled:
        logging.getLogger(__name__).warning("rate limits are off (RASA_RATE_LIMITS=off or endpoints.yml)")
    authenticate_api_requests()
    bound_requests()
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
