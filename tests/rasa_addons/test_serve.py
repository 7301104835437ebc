"""The Rasa launcher: authentication and CORS from the environment, never an open HTTP API."""

import pytest

from rasa_addons.serve import LaunchError, cors_origins, rasa_arguments

BASE = ["run", "--enable-api", "--port", "5305"]


def test_token_and_jwt_secret_are_added_from_the_environment() -> None:
    env = {"RASA_AUTH_TOKEN": "tok-123456", "RASA_JWT_SECRET": "jwt-secret"}
    assert rasa_arguments(BASE, env) == [*BASE, "--auth-token=tok-123456", "--jwt-secret=jwt-secret"]


def test_a_token_starting_with_a_dash_stays_a_value() -> None:
    """secrets.token_urlsafe() starts with "-" one time in 64; argparse would read it as an option."""
    import argparse

    from rasa.cli.arguments.run import add_server_arguments

    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    arguments = rasa_arguments(["--enable-api"], {"RASA_AUTH_TOKEN": "-Zx9_token"})
    assert parser.parse_args(arguments).auth_token == "-Zx9_token"


def test_the_http_api_without_authentication_is_refused() -> None:
    with pytest.raises(LaunchError, match="RASA_AUTH_TOKEN"):
        rasa_arguments(BASE, {"RASA_AUTH_TOKEN": "  "})


def test_without_the_api_no_token_is_needed() -> None:
    assert rasa_arguments(["run", "--port", "5305"], {}) == ["run", "--port", "5305"]


@pytest.mark.parametrize("option", ["--auth-token", "--cors", "--jwt-secret", "-t", "--auth-token=x"])
def test_secrets_and_cors_on_the_command_line_are_refused(option: str) -> None:
    with pytest.raises(LaunchError, match="environment"):
        rasa_arguments([*BASE, option, "x"], {"RASA_AUTH_TOKEN": "tok-123456"})


def test_no_cors_origin_by_default() -> None:
    assert "--cors" not in rasa_arguments(BASE, {"RASA_AUTH_TOKEN": "tok-123456"})


def test_cors_origins_are_split_on_spaces_and_commas() -> None:
    env = {"RASA_AUTH_TOKEN": "tok-123456", "RASA_CORS_ORIGINS": " https://a.example.com, http://b.example:8080/ "}
    assert rasa_arguments(BASE, env)[-3:] == ["--cors", "https://a.example.com", "http://b.example:8080"]
    assert cors_origins("*") == ["*"]


@pytest.mark.parametrize("value", ["a.example.com", "ftp://a.example.com", "https://a.example.com/chat", "https://"])
def test_a_malformed_origin_is_refused(value: str) -> None:
    with pytest.raises(LaunchError, match="RASA_CORS_ORIGINS"):
        cors_origins(value)


def test_the_endpoints_file_is_found_on_the_command_line() -> None:
    from pathlib import Path

    from rasa_addons.serve import endpoints_file

    assert endpoints_file(["run", "--endpoints", "var/run/endpoints.yml"]) == Path("var/run/endpoints.yml")
    assert endpoints_file(["run", "--endpoints=x.yml"]) == Path("x.yml")
    assert endpoints_file(["run"]) == Path("endpoints.yml")


def test_rate_limits_come_from_the_endpoints_file(tmp_path) -> None:
    from rasa_addons.channels.limits import RateLimits
    from rasa_addons.serve import rate_limit_settings
    from tests.conftest import ROOT

    settings = rate_limit_settings(ROOT / "endpoints.yml")
    assert settings == {
        "per_sender": {"burst": 10, "per_minute": 20},
        "per_address": {"burst": 30, "per_minute": 60},
        "when_busy": {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "min_gap": 3, "at_once": 3},
    }
    RateLimits.from_settings(settings)  # valid
    assert rate_limit_settings(tmp_path / "absent.yml") is None
    (tmp_path / "bad.yml").write_text("rate_limits: {per_sender: 3}\n")
    with pytest.raises(ValueError, match="per_sender"):
        RateLimits.from_settings(rate_limit_settings(tmp_path / "bad.yml"))
