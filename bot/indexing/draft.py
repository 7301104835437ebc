"""An index of the knowledge base with unsaved drafts in it, built beside the live one.

A trainer tries an edit before saving it: the trainer console builds the knowledge folder with
the draft files in place of (or beside) the saved ones into a folder of its own, reusing the live
index's embedding cache, so only the edited passages and new example questions are embedded
(well under a second with the encoder loaded). The live index, its cache and the knowledge
folder are never written.

Usage:
    with tempfile.TemporaryDirectory() as work:
        draft = build_draft(settings, {"concepts/empathy-service.md": text}, encoder, Path(work))
        Index.load(draft.index_dir)
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from bot.indexing.builder import build_index
from bot.indexing.encoder import Encoder
from bot.settings import Settings


def build_draft(settings: Settings, drafts: Mapping[str, str | None], encoder: Encoder, work: Path) -> Settings:
    """Build the knowledge base with `drafts` (path relative to the knowledge folder -> text, None
    to leave the file out) into `work`; the settings of that build (its `index_dir` is in `work`)."""
    knowledge = work / "knowledge"
    shutil.copytree(settings.knowledge_dir, knowledge, ignore=shutil.ignore_patterns(".git"), symlinks=False)
    for name, text in drafts.items():
        target = (knowledge / name).resolve()
        if not target.is_relative_to(knowledge.resolve()) or not name.endswith(".md"):
            raise ValueError(f"not a knowledge file: {name!r}")
        if text is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    index = work / "index"
    live_cache = settings.index_dir / "cache"
    if live_cache.is_dir():
        shutil.copytree(live_cache, index / "cache")
    draft = settings.model_copy(
        update={"knowledge_dir": knowledge, "index_dir": index, "nlu_dir": work / "nlu", "watch_knowledge": False}
    )
    build_index(draft, encoder=encoder)
    return draft
