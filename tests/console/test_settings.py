"""The console: block of endpoints.yml: defaults, paths beside the file, errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError
from console.settings import ConsoleSettings


def test_defaults_and_paths_beside_the_endpoints_file(tmp_path: Path) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text("console:\n  session_idle_minutes: 30\n", encoding="utf-8")
    settings = ConsoleSettings.load(path)
    assert settings.accounts == tmp_path / "var" / "console" / "trainers.json"
    assert (settings.session_idle_minutes, settings.lockout_failures) == (30, 5)


def test_a_runs_state_folder_holds_its_sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite sets KB_STATE_DIR: log-ins of a test never reach the live var/console/console.db."""
    path = tmp_path / "endpoints.yml"
    path.write_text("console: {}\n", encoding="utf-8")
    monkeypatch.setenv("KB_STATE_DIR", str(tmp_path / "state"))
    settings = ConsoleSettings.load(path)
    assert settings.state_db == tmp_path / "state" / "console" / "console.db"
    assert settings.accounts == tmp_path / "var" / "console" / "trainers.json"  # configuration stays


def test_a_bad_value_names_its_key(tmp_path: Path) -> None:
    path = tmp_path / "endpoints.yml"
    path.write_text("console:\n  lockout_failures: 0\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="console.lockout_failures"):
        ConsoleSettings.load(path)
