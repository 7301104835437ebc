"""Trainer accounts: argon2 hashes in a file only its owner reads; changes seen at once."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from console.accounts import AccountError, TrainerStore

PASSWORD = "a long passphrase"


def test_add_verify_and_the_file_mode(tmp_path: Path) -> None:
    store = TrainerStore(tmp_path / "var" / "trainers.json")
    store.add("张三", PASSWORD, role="viewer")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert PASSWORD not in store.path.read_text(encoding="utf-8")
    assert json.loads(store.path.read_text(encoding="utf-8"))["trainers"][0]["password_hash"].startswith("$argon2")
    trainer = store.verify("张三", PASSWORD)
    assert trainer is not None and trainer.role == "viewer" and not trainer.can_edit
    assert store.verify("张三", "wrong passphrase") is None
    assert store.verify("nobody", PASSWORD) is None


def test_another_process_sees_changes_at_once(tmp_path: Path) -> None:
    path = tmp_path / "trainers.json"
    console, cli = TrainerStore(path), TrainerStore(path)
    cli.add("zhangsan", PASSWORD)
    assert console.get("zhangsan") is not None
    cli.set_password("zhangsan", "another passphrase")
    assert console.verify("zhangsan", PASSWORD) is None and console.verify("zhangsan", "another passphrase")
    cli.remove("zhangsan")
    assert console.get("zhangsan") is None


@pytest.mark.parametrize(
    ("name", "password", "role"),
    [
        ("bad name", PASSWORD, "editor"),
        ("../x", PASSWORD, "editor"),
        ("ok", "short", "editor"),
        ("ok", PASSWORD, "admin"),
    ],
)
def test_bad_accounts_are_refused(tmp_path: Path, name: str, password: str, role: str) -> None:
    with pytest.raises(AccountError):
        TrainerStore(tmp_path / "t.json").add(name, password, role=role)  # type: ignore[arg-type]


def test_names_are_unique_and_unknown_names_cannot_be_changed(tmp_path: Path) -> None:
    store = TrainerStore(tmp_path / "t.json")
    store.add("zhangsan", PASSWORD)
    with pytest.raises(AccountError):
        store.add("zhangsan", PASSWORD)
    with pytest.raises(AccountError):
        store.remove("lisi")
    with pytest.raises(AccountError):
        store.set_password("lisi", PASSWORD)
