"""Shared fixtures: project paths, a small deterministic encoder, and the fixture knowledge base indexed with it."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
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
#: The realistic fixture knowledge base of the retrieval and conversation unit tests.
KB = FIXTURES / "kb"


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
