"""Incremental index build: re-embed only passages whose content changed.

Passages are keyed by the hash of their text, example questions by the hash of theirs; embeddings
of unchanged keys come from a cache kept per encoder model, so editing one file re-embeds a handful
of passages, and adding an example question embeds just that question. The dense index holds one
row per passage, then one per example question, with a row -> passage map beside it. Deleted or
edited passages cannot linger: every build writes a complete new version from the current
files. A different model name or dimension invalidates the cache.

Usage:
    report = build_index(Settings.load())
    report.embedded, report.reused  # → (3, 310)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.files import atomic_path
from bot.indexing.encoder import Encoder
from bot.indexing.nlu_export import write_nlu_resources
from bot.indexing.store import MANIFEST, content_words, current_version, version_name, write_version
from bot.knowledge.entries import VOCABULARY_FILE, Passage, Problem, entry_files, load_knowledge, question_hash
from bot.knowledge.lists import item_lines
from bot.knowledge.routing import ROUTING_FILE, Routing, domain_intents
from bot.knowledge.terms import TermTable
from bot.retrieval.segment import Segmenter
from bot.settings import Settings

FORMAT_VERSION = 5  # 2: the term table and the routing in the manifest; 3: example questions as extra dense rows;
# 4: the English glossary in the term table; 5: the conjuncts of coordinated titles as names


@dataclass
class BuildReport:
    version: str | None
    passages: int = 0
    questions: int = 0  # example questions indexed as extra keys
    embedded: int = 0  # passages and questions embedded by this build
    reused: int = 0
    seconds: float = 0.0
    skipped: bool = False  # nothing changed since the live index
    problems: list[Problem] = field(default_factory=list)


def knowledge_fingerprint(root: Path) -> str:
    """Hash of every file the index depends on, for "rebuild only if knowledge/ changed"."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for path in sorted([*entry_files(root), root / VOCABULARY_FILE, root / ROUTING_FILE]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build at a time per index (`kb build`, the action server's watcher and the console's
    publishing may overlap). Not re-entrant: a holder must not call `build_index` itself."""
    with (root / ".build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_index(settings: Settings, full: bool = False, encoder: Encoder | None = None) -> BuildReport:
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(settings.index_dir):
        return _build(settings, full, encoder)


def _build(settings: Settings, full: bool, encoder: Encoder | None) -> BuildReport:
    started = time.perf_counter()
    root = settings.index_dir
    fingerprint = knowledge_fingerprint(settings.knowledge_dir)
    kb = load_knowledge(settings.knowledge_dir)
    routing = Routing.load(settings.knowledge_dir / ROUTING_FILE, kb.vocabulary, domain_intents(settings.domain))
    terms = TermTable.from_knowledge(kb)
    passages = kb.passages
    segmenter = Segmenter(terms.words())
    words = {t for p in passages for t in segmenter.tokens(p.lexical_text)}
    items = {name for p in passages for name in item_lines(p.text)}
    write_nlu_resources(terms, settings.nlu_dir, content_words(words, segmenter, routing), routing.cue_words, items)
    encoder = encoder or Encoder(settings.encoder, settings.encoder_precision)
    live = current_version(root)
    wanted = {"fingerprint": fingerprint, "model": encoder.identity, "dense_index": settings.dense_index}
    live_manifest = _manifest(root / live) if live else {}
    if not full and all(live_manifest.get(k) == v for k, v in wanted.items()):
        return BuildReport(
            live, len(passages), skipped=True, problems=kb.problems, seconds=time.perf_counter() - started
        )

    cache_path = root / "cache" / f"{_slug(encoder.identity)}.npz"
    cache = {} if full else _read_cache(cache_path)
    keys = _dense_keys(passages)
    if cache and any(k not in cache for k, _ in keys) and len(next(iter(cache.values()))) != encoder.dimension:
        cache = {}  # another model under the same name: re-embed everything
    missing = [p for p in passages if p.content_hash not in cache]
    new_questions = list(dict.fromkeys(q for p in passages for q in p.questions if question_hash(q) not in cache))
    # Example questions are embedded as passages, not as queries: query-to-query similarities run
    # higher than query-to-passage ones, so query-encoded questions outranked better passages and let
    # out-of-domain questions pass `min_confidence` (measured on the development questions).
    texts = [p.searchable_text for p in missing] + new_questions
    if texts:
        fresh = encoder.encode_passages(texts, progress=len(texts) > 64)
        cache.update(zip([p.content_hash for p in missing] + [question_hash(q) for q in new_questions], fresh))
    dimension = len(next(iter(cache.values()))) if cache else encoder.dimension
    rows = np.array([passage for _, passage in keys], dtype="int64")
    vectors = np.stack([cache[k] for k, _ in keys]) if keys else np.zeros((0, dimension), "float32")
    _write_cache(cache_path, {k: cache[k] for k, _ in keys})

    name = version_name()
    manifest = {
        "format": FORMAT_VERSION,
        "model": encoder.identity,
        "dimension": int(dimension),
        "dense_index": settings.dense_index,
        "fingerprint": fingerprint,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "passages": len(passages),
        "questions": len(keys) - len(passages),
        "entries": len(kb.entries),
    }
    write_version(root, name, manifest, passages, vectors, rows, terms, routing, settings.dense_index)
    embedded = len(missing) + len(new_questions)
    return BuildReport(
        version=name,
        passages=len(passages),
        questions=len(keys) - len(passages),
        embedded=embedded,
        reused=len(keys) - embedded,
        seconds=time.perf_counter() - started,
        problems=kb.problems,
    )


def _dense_keys(passages: list[Passage]) -> list[tuple[str, int]]:
    """(cache key, passage index) per dense row: every passage's own text, then its example questions."""
    own = [(p.content_hash, i) for i, p in enumerate(passages)]
    return own + [(question_hash(q), i) for i, p in enumerate(passages) for q in p.questions]


def _manifest(path: Path) -> dict:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _slug(model: str) -> str:
    tail = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model).name)[:60]
    return f"{tail}-{hashlib.sha256(model.encode()).hexdigest()[:8]}"


def _read_cache(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"]))
    except (OSError, KeyError, ValueError):
        return {}


def _write_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    keys = np.array(list(cache), dtype="U64")
    vectors = np.stack(list(cache.values())) if cache else np.zeros((0, 0), "float32")
    with atomic_path(path) as tmp:
        np.savez(tmp, keys=keys, vectors=vectors)
