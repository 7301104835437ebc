"""Sessions and failed log-ins in SQLite: expiry, revocation, lock-out windows."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from console.sessions import SessionStore


def test_a_session_lives_until_idle_or_ended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SessionStore(tmp_path / "console.db", idle=60, lifetime=3600)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    token, session = store.create("zhangsan")
    assert store.get(token) == session and token not in store.path.read_bytes().decode("latin-1")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 61)
    assert store.get(token) is None


def test_a_session_ends_after_its_lifetime_even_when_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SessionStore(tmp_path / "console.db", idle=60, lifetime=100)
    token, _ = store.create("zhangsan")
    start = time.time()
    for step in (40, 80):
        monkeypatch.setattr(time, "time", lambda step=step: start + step)
        assert store.get(token) is not None
    monkeypatch.setattr(time, "time", lambda: start + 101)
    assert store.get(token) is None


def test_log_out_and_end_all(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "console.db", idle=60, lifetime=3600)
    first, _ = store.create("zhangsan")
    second, _ = store.create("zhangsan")
    other, _ = store.create("lisi")
    store.end(first)
    assert store.get(first) is None and store.get(second) is not None
    assert store.end_all("zhangsan") == 1
    assert store.get(second) is None and store.get(other) is not None
    assert store.get("") is None and store.get("x" * 500) is None


def test_lock_out_by_name_and_by_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SessionStore(tmp_path / "console.db", idle=60, lifetime=3600)
    for _ in range(3):
        store.record_failure("zhangsan", "10.0.0.1", window=900)
    assert store.locked_for("zhangsan", "10.0.0.9", failures=3, window=900) > 800
    assert store.locked_for("lisi", "10.0.0.1", failures=3, window=900) == 0  # 3 < 3×4 from that address
    store.clear_failures("zhangsan")
    assert store.locked_for("zhangsan", "10.0.0.9", failures=3, window=900) == 0
    for number in range(12):
        store.record_failure(f"guess{number}", "10.0.0.66", window=900)
    assert store.locked_for("anyone", "10.0.0.66", failures=3, window=900) > 0
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 901)
    assert store.locked_for("anyone", "10.0.0.66", failures=3, window=900) == 0
