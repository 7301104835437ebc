"""A draft index: the edited file's passages and questions in it, the live index, cache and files untouched."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.indexing.builder import build_index
from bot.indexing.draft import build_draft
from bot.indexing.store import Index, current_version
from tests.conftest import KB, CharEncoder, kb_settings_for


def test_a_draft_builds_beside_the_live_index(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB, knowledge)
    settings = kb_settings_for(knowledge, tmp_path / "live")
    build_index(settings, encoder=CharEncoder())
    live_version = current_version(settings.index_dir)
    cache = sorted((settings.index_dir / "cache").iterdir())[0]
    cache_bytes = cache.read_bytes()
    name = "concepts/customer-emotion-management.md"
    text = (knowledge / name).read_text(encoding="utf-8")
    draft_text = text.replace("\n---\n", "\nquestions:\n  定义:\n    - 草稿里的新例句\n---\n", 1)
    assert draft_text != text
    encoder = CharEncoder()
    draft = build_draft(settings, {name: draft_text}, encoder, tmp_path / "work")
    index = Index.load(draft.index_dir)
    assert any("草稿里的新例句" in p.questions for p in index.passages)
    assert encoder.calls == [1]  # only the new question was embedded: the rest came from the live cache
    assert current_version(settings.index_dir) == live_version
    assert cache.read_bytes() == cache_bytes
    assert (knowledge / name).read_text(encoding="utf-8") == text


def test_a_draft_may_leave_a_file_out(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB, knowledge)
    settings = kb_settings_for(knowledge, tmp_path / "live")
    draft = build_draft(settings, {"cases/hotel-welcome-gift.md": None}, CharEncoder(), tmp_path / "work")
    assert not any(p.source == "cases/hotel-welcome-gift.md" for p in Index.load(draft.index_dir).passages)
    assert (knowledge / "cases" / "hotel-welcome-gift.md").exists()
