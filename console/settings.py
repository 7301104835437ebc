"""Settings of the trainer console: the `console:` block of endpoints.yml (beside `knowledge_base:`).

Relative paths are resolved against the file's folder, as for the knowledge settings, so a copy
of endpoints.yml elsewhere (`KB_ENDPOINTS`, as the tests use) keeps its accounts and sessions
there too. Sessions and failed log-ins are run state: `KB_STATE_DIR` moves them for one run, as it
moves the assistant's stores (bot/settings.py), so a test's log-ins never land in the live database.

Usage:
    settings = ConsoleSettings.load()          # ./endpoints.yml, or $KB_ENDPOINTS
    settings.accounts  # → PosixPath('/…/var/console/trainers.json')
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.settings import load_block, run_state_dir

SECTION = "console"


class ConsoleSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Trainer accounts (argon2 hashes), mode 0600; `kb trainer add` writes it.
    accounts: Path = Path("var/console/trainers.json")
    #: Sessions and failed log-ins (SQLite), mode 0600.
    state_db: Path = Path("var/console/console.db")
    #: A session ends after this long without a request, and after `session_hours` in any case.
    session_idle_minutes: int = Field(60, ge=1, le=24 * 60)
    session_hours: int = Field(12, ge=1, le=24 * 7)
    #: This many failed log-ins of one name (or from one address, ×4) within `lockout_minutes` lock it for as long.
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    #: Largest request body (a whole entry as a form is a few KB).
    max_body_bytes: int = Field(1_000_000, ge=10_000, le=50_000_000)
    #: Largest entry file a save accepts.
    max_entry_chars: int = Field(100_000, ge=1_000, le=5_000_000)
    #: Messages of one hit test (earlier turns included).
    max_turns: int = Field(10, ge=1, le=50)
    #: How long to wait for the Rasa server's NLU.
    rasa_timeout_seconds: float = Field(10.0, gt=0, le=120)

    @classmethod
    def load(cls, path: Path | None = None) -> ConsoleSettings:
        settings = load_block(cls, SECTION, path, ("accounts", "state_db"))[0]
        state = run_state_dir()
        if state is not None:
            settings.state_db = state / "console" / "console.db"
        return settings
