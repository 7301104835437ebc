"""Shared fixtures: project paths, a small deterministic encoder, and the fixture knowledge base indexed with it."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:  # the core is not installed in .venv-rasa, which also reads this file
    from bot.indexing.store import Index
    from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

# tests/rasa_addons needs Rasa's environment (.venv-rasa); the rest needs the core's (.venv).
# scripts/test.sh runs both; each environment collects only its own tests.
if importlib.util.find_spec("rasa") is None:
    collect_ignore = ["rasa_addons"]
else:
    collect_ignore = [p.name for p in Path(__file__).parent.iterdir() if p.is_dir() and p.name != "rasa_addons"]
FIXTURES = Path(__file__).parent / "fixtures"
#: ../shared (development sets, seed articles) beside the checkout; KB_SHARED_DIR where it is elsewhere
#: (a git worktree of the project, for instance).
SHARED = Path(os.environ.get("KB_SHARED_DIR") or ROOT.parent / "shared")

# --- nothing from the tests in the live stores ------------------------------------------------
#: Moves every store a run writes (bot/settings.py): the suite's stacks, `kb` commands and
#: Settings.load() calls all keep feedback and conversations in a temporary folder.
STATE_DIR_ENV = "KB_STATE_DIR"
#: A developer's shell may point at a deployment's PostgreSQL or Redis; the suite never uses them
#: (the cluster test starts its own, with a database of its own).
SHARED_STORE_ENV = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_HOST", "REDIS_PORT", "REDIS_DB")
LIVE_STORES_KEY = pytest.StashKey[dict[str, tuple[int, int] | None]]()


def live_store_files() -> list[Path]:
    """The SQLite stores `make run` writes in this checkout (endpoints.yml's state_dir; the console's
    sessions and log-ins at their default place), with their WAL files."""
    import yaml

    block = (yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}).get("knowledge_base") or {}
    state = ROOT / str(block.get("state_dir", "var"))
    stores = [state / "feedback.db", state / "rasa" / "tracker.db", ROOT / "var" / "console" / "console.db"]
    return [path.with_name(path.name + suffix) for path in stores for suffix in ("", "-wal")]


def live_store_snapshot() -> dict[str, tuple[int, int] | None]:
    """Size and modification time of each live store file (None: absent); any write changes them."""
    snapshot: dict[str, tuple[int, int] | None] = {}
    for path in live_store_files():
        try:
            stat = path.stat()
            snapshot[str(path)] = (stat.st_size, stat.st_mtime_ns)
        except FileNotFoundError:
            snapshot[str(path)] = None
    return snapshot


def pytest_configure(config: pytest.Config) -> None:
    config.stash[LIVE_STORES_KEY] = live_store_snapshot()
    state = tempfile.mkdtemp(prefix="kb-test-state-")
    config.add_cleanup(lambda: shutil.rmtree(state, ignore_errors=True))
    os.environ[STATE_DIR_ENV] = state
    for name in SHARED_STORE_ENV:
        os.environ.pop(name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """tests/test_live_stores.py runs last: it checks what every other test left behind."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_live_stores.py"))


#: The realistic fixture knowledge base of the retrieval and conversation unit tests.
KB = FIXTURES / "kb"


class Clock:
    """A settable clock for stores that stamp times (FeedbackStore(clock=...)); `tick` advances each reading."""

    def __init__(self, tick: timedelta = timedelta(0)) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        self.tick = tick

    def __call__(self) -> datetime:
        self.now += self.tick
        return self.now


class CharEncoder:
    """Bag-of-characters embeddings: cheap and deterministic, for testing index mechanics only
    (retrieval quality is tested with the real model)."""

    dimension = 256

    def __init__(self, identity: str = "test-char-encoder") -> None:
        self.identity = identity
        self.calls: list[int] = []

    def _vectors(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for char in text:
                out[row, int(hashlib.md5(char.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.calls.append(len(texts))
        return self._vectors(texts)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)


@pytest.fixture
def char_encoder() -> CharEncoder:
    return CharEncoder()


@pytest.fixture
def fixture_kb(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/knowledge (good and deliberately broken entries)."""
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", target)
    return target


def kb_settings_for(knowledge: Path, work: Path) -> Settings:
    """Settings that index `knowledge` into `work` with the CharEncoder (no domain check, no watcher)."""
    from bot.settings import Settings

    return Settings(
        knowledge_dir=knowledge,
        index_dir=work / "index",
        nlu_dir=work / "nlu",
        encoder=CharEncoder().identity,
        domain=work / "no-domain.yml",
        watch_knowledge=False,
        state_dir=work / "state",
    )


@pytest.fixture(scope="module")
def kb_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """tests/fixtures/kb indexed once per test module (the fixture files are only read)."""
    from bot.indexing.builder import build_index

    settings = kb_settings_for(KB, tmp_path_factory.mktemp("kb"))
    build_index(settings, encoder=CharEncoder())
    return settings


@pytest.fixture(scope="module")
def kb_index(kb_settings: Settings) -> Index:
    from bot.indexing.store import Index

    return Index.load(kb_settings.index_dir)
