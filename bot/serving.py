"""How the servers are wired: their ports, and the endpoints file the Rasa server reads.

`endpoints.yml` is the one place a developer edits; its `action_endpoint.url` names the action
server's port, the Rasa server listens on Rasa's own default port and the trainer console
(console/) on 5080 unless told otherwise. Environment variables override them for one run
(`RASA_PORT`, `ACTION_PORT`, `CONSOLE_PORT`), so several stacks can run side by side; `scripts/run.sh` then hands Rasa a rendered copy of endpoints.yml with the
action server's URL filled in.

Conversations are kept by Rasa's SQL tracker store: SQLite under `state_dir` (var/, or
$KB_STATE_DIR; bot/settings.py) by default, PostgreSQL
when `DB_HOST` is set (`Database`); per-conversation locks are Rasa's in-memory lock store unless
`REDIS_HOST` is set (`Redis`), which several Rasa servers or `SANIC_WORKERS` > 1 need. Rasa's own
`${VAR}` interpolation has no defaults, hence the rendering; passwords stay `${VAR}` references in
the rendered file, so no secret is written to disk.

Usage:
    ports = Ports.load(Path("endpoints.yml"), env={})
    ports.rasa, ports.action, ports.console  # → (5005, 5055, 5080)
    render_endpoints(Path("endpoints.yml"), ports, Path("var/rasa/tracker.db"))["action_endpoint"]["url"]  # → 'http://localhost:5055/webhook'
    Database.from_env({"DB_HOST": "db.bank.local", "DB_PASSWORD": "s3cret"}).url(hide_password=True)  # → 'postgresql+psycopg2://rasa:***@db.bank.local:5432/rasa'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import yaml

from bot.files import atomic_write_text

#: Rasa's own default (`rasa run --port`).
RASA_DEFAULT_PORT = 5005
#: The trainer console's (console/).
CONSOLE_DEFAULT_PORT = 5080
#: The Rasa-side tracker store that fails a turn instead of falling back to memory.
TRACKER_STORE_CLASS = "rasa_addons.stores.tracker.StrictSQLTrackerStore"


class ServingError(ValueError):
    """endpoints.yml or the environment names an unusable port; the message says which."""


@dataclass(frozen=True)
class Ports:
    rasa: int
    action: int
    console: int = CONSOLE_DEFAULT_PORT

    @classmethod
    def load(cls, endpoints: Path, env: Mapping[str, str] | None = None) -> Ports:
        env = os.environ if env is None else env
        data = _read(endpoints)
        url = (data.get("action_endpoint") or {}).get("url")
        if not url:
            raise ServingError(f"{endpoints}: action_endpoint.url is missing")
        default_action = urlsplit(url).port or 80
        return cls(
            rasa=_port(env.get("RASA_PORT"), RASA_DEFAULT_PORT, "RASA_PORT"),
            action=_port(env.get("ACTION_PORT"), default_action, "ACTION_PORT"),
            console=_port(env.get("CONSOLE_PORT"), CONSOLE_DEFAULT_PORT, "CONSOLE_PORT"),
        )

    @property
    def webhook(self) -> str:
        return f"http://localhost:{self.rasa}/webhooks/rest/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://localhost:{self.rasa}"

    @property
    def action_health(self) -> str:
        return f"http://localhost:{self.action}/health"

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.console}/"


@dataclass(frozen=True)
class Database:
    """The PostgreSQL database shared by all Rasa servers (conversations) and the action servers
    (feedback), from `DB_HOST`, `DB_PORT` (5432), `DB_NAME` (rasa), `DB_USER` (rasa), `DB_PASSWORD`.

    Usage:
        db = Database.from_env(os.environ)   # None when DB_HOST is not set: SQLite under var/
    """

    host: str
    port: int = 5432
    name: str = "rasa"
    user: str = "rasa"
    password: str = ""

    def __post_init__(self) -> None:
        if not self.host or not self.name or not self.user:
            raise ServingError("DB_HOST, DB_NAME and DB_USER must not be empty")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Database | None:
        if not env.get("DB_HOST"):
            return None
        return cls(
            host=env["DB_HOST"],
            port=_port(env.get("DB_PORT"), 5432, "DB_PORT"),
            name=env.get("DB_NAME") or "rasa",
            user=env.get("DB_USER") or "rasa",
            password=env.get("DB_PASSWORD", ""),
        )

    def url(self, *, hide_password: bool = False) -> str:
        """SQLAlchemy URL (psycopg2 driver, as installed in both environments)."""
        secret = "***" if hide_password else quote(self.password, safe="")
        auth = f"{quote(self.user, safe='')}:{secret}" if self.password else quote(self.user, safe="")
        return f"postgresql+psycopg2://{auth}@{self.host}:{self.port}/{quote(self.name, safe='')}"

    def tracker_store(self) -> dict:
        block: dict = {
            "type": TRACKER_STORE_CLASS,
            "dialect": "postgresql",
            "url": self.host,
            "port": self.port,
            "db": self.name,
            "username": self.user,
        }
        if self.password:
            block["password"] = "${DB_PASSWORD}"  # Rasa reads it from the environment
        return block


@dataclass(frozen=True)
class Redis:
    """The Redis server holding Rasa's per-conversation locks (`REDIS_HOST`, `REDIS_PORT` (6379),
    `REDIS_PASSWORD`, `REDIS_DB` (1)); needed by several Rasa servers or `SANIC_WORKERS` > 1.

    Usage:
        Redis.from_env({"REDIS_HOST": "localhost", "REDIS_PORT": "6380"}).lock_store()["port"]  # → 6380
    """

    host: str
    port: int = 6379
    db: int = 1
    has_password: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Redis | None:
        if not env.get("REDIS_HOST"):
            return None
        db = env.get("REDIS_DB") or "1"
        if not db.isdigit():
            raise ServingError(f"REDIS_DB={db!r} is not a database number")
        return cls(
            host=env["REDIS_HOST"],
            port=_port(env.get("REDIS_PORT"), 6379, "REDIS_PORT"),
            db=int(db),
            has_password=bool(env.get("REDIS_PASSWORD")),
        )

    def lock_store(self) -> dict:
        # A short socket timeout: a Redis that stops answering fails the turn within seconds.
        block: dict = {
            "type": "redis",
            "url": self.host,
            "port": self.port,
            "db": self.db,
            "key_prefix": "empathykb",
            "socket_timeout": 2,
        }
        if self.has_password:
            block["password"] = "${REDIS_PASSWORD}"
        return block


def render_endpoints(endpoints: Path, ports: Ports, tracker_db: Path, env: Mapping[str, str] | None = None) -> dict:
    """endpoints.yml as the Rasa server of this run should see it: the action server's port, and
    the tracker and lock stores from the environment (`tracker_db`: the SQLite file without DB_HOST)."""
    env = os.environ if env is None else env
    data = _read(endpoints)
    parts = urlsplit(data["action_endpoint"]["url"])
    netloc = f"{parts.hostname}:{ports.action}"
    data["action_endpoint"] = {**data["action_endpoint"], "url": urlunsplit(parts._replace(netloc=netloc))}
    database = Database.from_env(env)
    if database is not None:
        data["tracker_store"] = database.tracker_store()
    else:
        data["tracker_store"] = {"type": TRACKER_STORE_CLASS, "dialect": "sqlite", "db": str(tracker_db.resolve())}
    redis = Redis.from_env(env)
    if redis is not None:
        data["lock_store"] = redis.lock_store()
    return data


def write_endpoints(endpoints: Path, ports: Ports, out: Path, tracker_db: Path) -> Path:
    data = render_endpoints(endpoints, ports, tracker_db)
    if data["tracker_store"]["dialect"] == "sqlite":
        Path(data["tracker_store"]["db"]).parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    atomic_write_text(out, f"# Generated by scripts/run.sh from {endpoints.name}; edit that file instead.\n{text}")
    return out


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ServingError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ServingError(f"{path}: expected a mapping")
    return data


def _port(value: str | None, default: int, name: str) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ServingError(f"{name}={value!r} is not a port number")
    return int(value)


#: `${NAME}` or `${NAME:-default}` in credentials.yml.
_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


#: Channels whose browsers keep an Engine.IO session in the one process that opened it.
SOCKET_IO_CHANNELS = frozenset(
    {
        "socketio",
        "rasa_addons.channels.socketio.GuardedSocketIOInput",
        "rasa_addons.channels.webchat.channel.WebChatInput",
    }
)


def render_credentials(credentials: Path, env: Mapping[str, str] | None = None) -> tuple[dict, dict[str, str]]:
    """credentials.yml as Rasa should read it, and the channels left out with the reason why.

    - A channel whose `${VARIABLES}` are unset is off: Rasa fails to start on an unset variable, yet
      an optional channel (e.g. WeCom) should simply be off until its variables are set.
      `${NAME}` references are kept, so Rasa fills them in from the environment and no secret is
      written to disk; `${NAME:-default}` (which Rasa does not know) becomes `${NAME}` when NAME is
      set, else the default.
    - With `SANIC_WORKERS` > 1 the socket.io channels are off: Sanic's worker processes share the
      port but not socket.io sessions, so a browser's polls land on a worker that does not know it
      and the page loses messages (measured: 12 of 15 replies with two workers). More Rasa servers
      behind nginx, which keeps a browser on one server, scale the page instead.
    """
    env = os.environ if env is None else env
    data = _read(credentials)
    dropped = {
        channel: "its environment variables are unset (see credentials.yml)"
        for channel, block in data.items()
        if _unset(block, env)
    }
    workers = env.get("SANIC_WORKERS", "1").strip()
    if workers.isdigit() and int(workers) > 1:
        for channel in data.keys() & SOCKET_IO_CHANNELS - dropped.keys():
            dropped[channel] = (
                f"SANIC_WORKERS={workers}: Rasa's worker processes do not share socket.io sessions; "
                'for the web chat run more servers instead (CLUSTER_SIZE, README "Deployment")'
            )
    kept = {channel: _defaults(block, env) for channel, block in data.items() if channel not in dropped}
    return kept, dropped


def write_credentials(credentials: Path, out: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    data, dropped = render_credentials(credentials, env)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False) if data else "{}\n"
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(
        f"# Generated by scripts/run.sh from {credentials.name}; edit that file instead.\n{text}", encoding="utf-8"
    )
    tmp.replace(out)
    return dropped


def _strings(block: object) -> list[str]:
    if isinstance(block, str):
        return [block]
    if isinstance(block, Mapping):
        return [s for value in block.values() for s in _strings(value)]
    if isinstance(block, list):
        return [s for value in block for s in _strings(value)]
    return []


def _unset(block: object, env: Mapping[str, str]) -> list[str]:
    return [m[1] for text in _strings(block) for m in _VARIABLE.finditer(text) if not env.get(m[1]) and m[2] is None]


def _defaults(block: object, env: Mapping[str, str]) -> object:
    if isinstance(block, str):
        return _VARIABLE.sub(lambda m: f"${{{m[1]}}}" if env.get(m[1]) or m[2] is None else m[2], block)
    if isinstance(block, Mapping):
        return {key: _defaults(value, env) for key, value in block.items()}
    if isinstance(block, list):
        return [_defaults(value, env) for value in block]
    return block
