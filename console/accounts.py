"""Trainer accounts: a name, a role and an argon2 hash, in one JSON file only its owner can read.

IT manages them with `kb trainer add|list|remove|passwd`; the console reads the file again
whenever it changes, so a new account, a new password or a removal takes effect at once.
Roles: editors edit and publish, viewers read and hit-test.

Usage:
    store = TrainerStore(Path("var/console/trainers.json"))
    store.add("zhangsan", "a long passphrase", role="viewer")
    store.verify("zhangsan", "a long passphrase").role  # → 'viewer'
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.files import atomic_path

Role = Literal["editor", "viewer"]
ROLES: tuple[Role, ...] = ("editor", "viewer")
#: Letters (Chinese included), digits, `_`, `.`, `-`; it names the author of commits.
NAME = re.compile(r"^[\w.-]{1,32}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256


class AccountError(ValueError):
    """A refused account operation; the message says why."""


@dataclass(frozen=True)
class Trainer:
    name: str
    role: Role
    email: str
    password_hash: str
    created: str

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


class TrainerStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._hasher = PasswordHasher()
        self._dummy = self._hasher.hash("not a password of anyone")  # equal time for unknown names
        self._lock = threading.Lock()
        self._cache: tuple[int, dict[str, Trainer]] | None = None

    def list(self) -> list[Trainer]:
        return sorted(self._read().values(), key=lambda t: t.name)

    def get(self, name: str) -> Trainer | None:
        return self._read().get(name)

    def add(self, name: str, password: str, role: Role = "editor", email: str | None = None) -> Trainer:
        if not NAME.fullmatch(name):
            raise AccountError("a name is 1-32 letters, digits, '_', '.' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        with self._lock:
            trainers = self._read()
            if name in trainers:
                raise AccountError(f"trainer {name!r} already exists")
            trainer = Trainer(
                name=name,
                role=role,
                email=email or f"{name}@trainers.invalid",
                password_hash=self._hash(password),
                created=datetime.now(UTC).isoformat(timespec="seconds"),
            )
            self._write({**trainers, name: trainer})
        return trainer

    def remove(self, name: str) -> None:
        with self._lock:
            trainers = self._read()
            if name not in trainers:
                raise AccountError(f"no trainer {name!r}")
            self._write({k: v for k, v in trainers.items() if k != name})

    def set_password(self, name: str, password: str) -> None:
        with self._lock:
            trainers = self._read()
            if name not in trainers:
                raise AccountError(f"no trainer {name!r}")
            old = trainers[name]
            trainers[name] = Trainer(old.name, old.role, old.email, self._hash(password), old.created)
            self._write(trainers)

    def verify(self, name: str, password: str) -> Trainer | None:
        """The trainer when the password is right; None otherwise (same work either way)."""
        trainer = self.get(name)
        try:
            self._hasher.verify(trainer.password_hash if trainer else self._dummy, password[:MAX_PASSWORD])
        except (VerificationError, InvalidHashError):
            return None
        return trainer

    def _hash(self, password: str) -> str:
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise AccountError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
        return self._hasher.hash(password)

    def _read(self) -> dict[str, Trainer]:
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if self._cache is None or self._cache[0] != stamp:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            trainers = {
                t["name"]: Trainer(t["name"], cast(Role, t["role"]), t["email"], t["password_hash"], t["created"])
                for t in data.get("trainers", [])
            }
            self._cache = (stamp, trainers)
        return dict(self._cache[1])

    def _write(self, trainers: dict[str, Trainer]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps({"trainers": [asdict(t) for t in trainers.values()]}, ensure_ascii=False, indent=1)
        with atomic_path(self.path) as tmp:
            descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(text + "\n")
        self._cache = None
