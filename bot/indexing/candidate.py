"""A candidate index: the knowledge base with a trainer's changes, built beside the live index,
checked, then made live as it is or thrown away.

The trainer console checks every save before it is published (console/checks.py): the changed
files are built into `index_dir/.candidates/<id>/` (a copy of the knowledge folder with the
changes, its index and its NLU resources; bot/indexing/draft.py, which embeds only what changed),
the saved test cases run against it, and the trainer decides. Publishing writes the files into
the knowledge folder and moves the candidate's version folder into the index folder under the
build lock (`store.promote`: the versioned CURRENT swap), with its embedding cache and its NLU
resources, so nothing is built twice and the action server's watcher, which waits for the same
lock, finds the index already up to date. A candidate built before someone else changed the
knowledge folder no longer matches it: `publish` says so (None) and the caller rebuilds.

Usage:
    candidate = build_candidate(settings, {"concepts/empathy-service.md": text}, encoder)
    ...  # run the saved test cases against candidate.settings' index
    version = publish(settings, candidate, write_files=lambda: atomic_write_text(path, text))
    # or: discard(candidate)
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.files import write_text_if_changed
from bot.indexing.builder import build_lock, knowledge_fingerprint
from bot.indexing.draft import build_draft
from bot.indexing.encoder import Encoder
from bot.indexing.store import MANIFEST, current_version, promote
from bot.settings import Settings

log = logging.getLogger(__name__)
CANDIDATES = ".candidates"


@dataclass(frozen=True)
class Candidate:
    id: str
    work: Path  # index_dir/.candidates/<id>
    settings: Settings  # of the candidate's build: its knowledge copy, index and NLU folders
    fingerprint: str  # of the knowledge the candidate was built from
    created: float  # time.time()


def build_candidate(settings: Settings, drafts: Mapping[str, str | None], encoder: Encoder) -> Candidate:
    """Build the knowledge base with `drafts` (path in the knowledge folder -> text, None to delete)
    beside the live index; nothing live is written."""
    candidate_id = secrets.token_hex(8)
    work = settings.index_dir / CANDIDATES / candidate_id
    work.mkdir(parents=True)
    try:
        built = build_draft(settings, drafts, encoder, work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Candidate(candidate_id, work, built, knowledge_fingerprint(built.knowledge_dir), time.time())


def publish(settings: Settings, candidate: Candidate, write_files: Callable[[], None]) -> str | None:
    """Write the knowledge files (`write_files`) and make the candidate's index live, under the
    build lock; the live version's name, or None when the knowledge folder (written) is no longer
    what the candidate was built from (then rebuild). The candidate is gone afterwards either way."""
    try:
        with build_lock(settings.index_dir):
            write_files()
            if knowledge_fingerprint(settings.knowledge_dir) != candidate.fingerprint:
                log.info("candidate %s is stale: the knowledge folder changed meanwhile", candidate.id)
                return None
            version = current_version(candidate.settings.index_dir)
            if version is None:
                return None
            live = current_version(settings.index_dir)
            if live is not None and _same_build(settings.index_dir / live, candidate.settings.index_dir / version):
                return live  # already built by someone else (the watcher)
            for cache in (candidate.settings.index_dir / "cache").glob("*.npz"):
                (settings.index_dir / "cache").mkdir(parents=True, exist_ok=True)
                os.replace(cache, settings.index_dir / "cache" / cache.name)
            name = promote(settings.index_dir, candidate.settings.index_dir / version)
            _copy_nlu(candidate.settings.nlu_dir, settings.nlu_dir)
            return name
    finally:
        discard(candidate)


def discard(candidate: Candidate) -> None:
    shutil.rmtree(candidate.work, ignore_errors=True)


def sweep(index_dir: Path, older_than_seconds: float) -> int:
    """Remove candidates left behind (a console that stopped mid-check); how many were removed."""
    folder = index_dir / CANDIDATES
    removed = 0
    now = time.time()
    for work in folder.glob("*") if folder.is_dir() else []:
        try:
            stale = now - work.stat().st_mtime > older_than_seconds
        except FileNotFoundError:
            continue
        if stale:
            shutil.rmtree(work, ignore_errors=True)
            removed += 1
    return removed


def _same_build(live: Path, built: Path) -> bool:
    def manifest(folder: Path) -> dict:
        try:
            return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    a, b = manifest(live), manifest(built)
    return bool(a) and all(a.get(k) == b.get(k) for k in ("fingerprint", "model", "dense_index", "format"))


def _copy_nlu(source: Path, target: Path) -> None:
    """The candidate's entity patterns, jieba dictionary and reading vocabulary, written only where
    they differ (so an unchanged file triggers no reload in the Rasa server)."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        write_text_if_changed(target / path.relative_to(source), path.read_text(encoding="utf-8"))
