"""Rendering Rasa's endpoints from endpoints.yml and the environment."""

from pathlib import Path

import pytest
import yaml

from bot.serving import (
    TRACKER_STORE_CLASS,
    Database,
    Ports,
    Redis,
    ServingError,
    render_endpoints,
    write_endpoints,
)

ENDPOINTS = 'action_endpoint:\n  url: "http://localhost:5055/webhook"\nknowledge_base:\n  top_k: 5\n'


@pytest.fixture
def endpoints(tmp_path: Path) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(ENDPOINTS, encoding="utf-8")
    return path


def test_default_keeps_conversations_in_the_sqlite_file_and_locks_in_memory(endpoints: Path, tmp_path: Path) -> None:
    data = render_endpoints(endpoints, Ports.load(endpoints, env={}), tmp_path / "state" / "tracker.db", env={})
    assert data["tracker_store"] == {
        "type": TRACKER_STORE_CLASS,
        "dialect": "sqlite",
        "db": str(tmp_path / "state" / "tracker.db"),
    }
    assert "lock_store" not in data
    assert data["action_endpoint"]["url"] == "http://localhost:5055/webhook"


def test_db_and_redis_variables_switch_to_postgresql_and_redis_without_writing_secrets(
    endpoints: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "DB_HOST": "db.bank.local",
        "DB_PORT": "5433",
        "DB_NAME": "assistant",
        "DB_USER": "bot",
        "DB_PASSWORD": "s3cret",
        "REDIS_HOST": "cache.bank.local",
        "REDIS_PORT": "6380",
        "REDIS_PASSWORD": "r3dis",
        "ACTION_PORT": "5455",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = write_endpoints(endpoints, Ports.load(endpoints), tmp_path / "run" / "endpoints.yml", tmp_path / "t.db")
    text = out.read_text(encoding="utf-8")
    assert "s3cret" not in text and "r3dis" not in text
    data = yaml.safe_load(text)
    assert data["tracker_store"] == {
        "type": TRACKER_STORE_CLASS,
        "dialect": "postgresql",
        "url": "db.bank.local",
        "port": 5433,
        "db": "assistant",
        "username": "bot",
        "password": "${DB_PASSWORD}",
    }
    assert data["lock_store"] == {
        "type": "redis",
        "url": "cache.bank.local",
        "port": 6380,
        "db": 1,
        "key_prefix": "empathykb",
        "socket_timeout": 2,
        "password": "${REDIS_PASSWORD}",
    }
    assert data["action_endpoint"]["url"] == "http://localhost:5455/webhook"
    assert data["knowledge_base"] == {"top_k": 5}


def test_database_url_quotes_credentials_and_can_hide_the_password() -> None:
    db = Database.from_env({"DB_HOST": "db", "DB_USER": "bot", "DB_PASSWORD": "p@ss/word"})
    assert db.url() == "postgresql+psycopg2://bot:p%40ss%2Fword@db:5432/rasa"
    assert db.url(hide_password=True) == "postgresql+psycopg2://bot:***@db:5432/rasa"
    assert Database.from_env({}) is None and Redis.from_env({}) is None


@pytest.mark.parametrize(
    "env",
    [
        {"DB_HOST": "db", "DB_PORT": "port"},
        {"REDIS_HOST": "r", "REDIS_PORT": "70000"},
        {"REDIS_HOST": "r", "REDIS_DB": "one"},
    ],
)
def test_unusable_values_are_rejected_by_name(env: dict[str, str]) -> None:
    with pytest.raises(ServingError, match=next(k for k in env if k not in ("DB_HOST", "REDIS_HOST"))):
        Database.from_env(env) or Redis.from_env(env)
