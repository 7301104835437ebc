"""NLU resources generated from the knowledge base, for the Rasa server.

- `entity_patterns.jsonl`: spaCy EntityRuler patterns. Every entry title and alias is a `topic`
  pattern whose id is the entry id; every industry word an `industry` pattern whose id is the
  canonical industry. The Rasa component re-reads it when it changes (no retraining).
- `jieba/userdict.txt`: the same terms as a jieba user dictionary for Rasa's JiebaTokenizer, so
  that "同理心" or "情感服务体验" stay whole words. It feeds training: scripts/train.sh retrains
  when it changes.

Files are replaced atomically and only when their content changes, so an unchanged knowledge
base never triggers a reload or a retraining.

Usage:
    >>> write_nlu_resources(load_knowledge(Path("knowledge")), Path("build/nlu"))
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.knowledge import KnowledgeBase

PATTERNS_FILE = "entity_patterns.jsonl"
JIEBA_DICTIONARY = "jieba/userdict.txt"


def entity_patterns(kb: KnowledgeBase) -> list[dict[str, str]]:
    patterns: dict[str, dict[str, str]] = {}
    for entry in kb.entries.values():
        for term in (entry.meta.title, *entry.meta.aliases):
            patterns.setdefault(term.lower(), {"label": "topic", "pattern": term, "id": entry.meta.id})
    for word, industry in kb.vocabulary.industries.items():
        patterns.setdefault(word.lower(), {"label": "industry", "pattern": word, "id": industry})
    return sorted(patterns.values(), key=lambda p: (p["label"], p["id"], p["pattern"]))


def write_nlu_resources(kb: KnowledgeBase, directory: Path) -> None:
    patterns = entity_patterns(kb)
    _write_if_changed(directory / PATTERNS_FILE, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in patterns))
    # jieba splits user words on spaces, so multi-word English aliases are left to the n-gram features.
    words = sorted({p["pattern"] for p in patterns if " " not in p["pattern"]})
    _write_if_changed(directory / JIEBA_DICTIONARY, "".join(f"{w} 200000\n" for w in words))


def _write_if_changed(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return  # keep the mtime: no reload, no retraining
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
