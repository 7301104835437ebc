"""A candidate index: built beside the live one, then made live as it was checked (no second build,
its cache and NLU resources with it), or found stale, or thrown away; nothing live is touched until then."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from bot.files import atomic_write_text
from bot.indexing.builder import build_index
from bot.indexing.candidate import CANDIDATES, build_candidate, discard, publish, sweep
from bot.indexing.store import Index, current_version
from bot.settings import Settings
from tests.conftest import KB, CharEncoder, kb_settings_for

NAME = "concepts/customer-emotion-management.md"


@pytest.fixture
def live(tmp_path: Path) -> Settings:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB, knowledge)
    settings = kb_settings_for(knowledge, tmp_path / "live")
    build_index(settings, encoder=CharEncoder())
    return settings


def with_question(settings: Settings, question: str) -> str:
    text = (settings.knowledge_dir / NAME).read_text(encoding="utf-8")
    return text.replace("\n---\n", f"\nquestions:\n  定义:\n    - {question}\n---\n", 1)


def test_a_checked_candidate_becomes_the_live_index_as_built(live: Settings) -> None:
    before = current_version(live.index_dir)
    text = with_question(live, "候选里的新例句")
    encoder = CharEncoder()
    candidate = build_candidate(live, {NAME: text}, encoder)
    assert candidate.work.parent == live.index_dir / CANDIDATES
    assert current_version(live.index_dir) == before  # nothing live yet
    assert "候选里的新例句" not in (live.knowledge_dir / NAME).read_text(encoding="utf-8")
    assert any("候选里的新例句" in p.questions for p in Index.load(candidate.settings.index_dir).passages)
    patterns = (live.nlu_dir / "entity_patterns.jsonl").read_text(encoding="utf-8")

    version = publish(live, candidate, lambda: atomic_write_text(live.knowledge_dir / NAME, text))
    assert version is not None and version != before and current_version(live.index_dir) == version
    assert any("候选里的新例句" in p.questions for p in Index.load(live.index_dir).passages)
    assert not candidate.work.exists()
    assert (live.nlu_dir / "entity_patterns.jsonl").read_text(encoding="utf-8") == patterns
    again = build_index(live, encoder=encoder)
    assert again.skipped  # the watcher's build after the write finds the index up to date
    assert encoder.calls == [1]  # the new question, embedded once (the candidate's cache went live with it)


def test_new_names_reach_the_nlu_resources_on_publishing(live: Settings) -> None:
    text = (live.knowledge_dir / NAME).read_text(encoding="utf-8").replace("aliases: [", "aliases: [候选别名, ", 1)
    candidate = build_candidate(live, {NAME: text}, CharEncoder())
    assert "候选别名" not in (live.nlu_dir / "entity_patterns.jsonl").read_text(encoding="utf-8")
    publish(live, candidate, lambda: atomic_write_text(live.knowledge_dir / NAME, text))
    patterns = [json.loads(line) for line in (live.nlu_dir / "entity_patterns.jsonl").read_text().splitlines()]
    assert {"label": "topic", "pattern": "候选别名", "id": "customer-emotion-management"} in patterns


def test_a_candidate_older_than_the_knowledge_is_not_published(live: Settings) -> None:
    text = with_question(live, "过时的候选")
    candidate = build_candidate(live, {NAME: text}, CharEncoder())
    before = current_version(live.index_dir)
    other = live.knowledge_dir / "theories" / "social-exchange-theory.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # someone else saved meanwhile
    assert publish(live, candidate, lambda: atomic_write_text(live.knowledge_dir / NAME, text)) is None
    assert current_version(live.index_dir) == before and not candidate.work.exists()


def test_going_back_discards_the_candidate_and_changes_nothing(live: Settings) -> None:
    before = current_version(live.index_dir)
    knowledge = {p: p.read_bytes() for p in live.knowledge_dir.rglob("*") if p.is_file()}
    candidate = build_candidate(live, {NAME: None}, CharEncoder())
    discard(candidate)
    assert not candidate.work.exists() and current_version(live.index_dir) == before
    assert knowledge == {p: p.read_bytes() for p in live.knowledge_dir.rglob("*") if p.is_file()}


def test_candidates_left_behind_are_swept(live: Settings) -> None:
    old = build_candidate(live, {}, CharEncoder())
    fresh = build_candidate(live, {}, CharEncoder())
    hour_ago = time.time() - 3600
    os.utime(old.work, (hour_ago, hour_ago))
    assert sweep(live.index_dir, older_than_seconds=600) == 1
    assert not old.work.exists() and fresh.work.exists()
