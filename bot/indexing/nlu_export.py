"""NLU resources generated from the knowledge base, for the Rasa server.

- `entity_patterns.jsonl`: spaCy EntityRuler patterns. Every entry title and alias is a `topic`
  pattern whose id is the entry id; every industry word an `industry` pattern whose id is the
  canonical industry. The Rasa component re-reads it when it changes (no retraining).
- `jieba/userdict.txt`: the same terms as a jieba user dictionary for Rasa's JiebaTokenizer, so
  that "同理心" or "情感服务体验" stay whole words. It feeds training: scripts/train.sh retrains
  when it changes.
- `vocabulary.json`: what the Rasa server's message normalizer reads a message with, exactly as
  the core does (`normalization.reading`): the names, the synonyms and every other word of the
  knowledge base. Re-read when it changes (no retraining).

Files are replaced atomically and only when their content changes, so an unchanged knowledge
base never triggers a reload or a retraining.

Usage:
    write_nlu_resources(TermTable.from_knowledge(load_knowledge(Path("knowledge"))), Path("build/nlu"), words)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bot.files import write_text_if_changed
from bot.knowledge.terms import TermTable

PATTERNS_FILE = "entity_patterns.jsonl"
JIEBA_DICTIONARY = "jieba/userdict.txt"
VOCABULARY_FILE = "vocabulary.json"


def entity_patterns(terms: TermTable) -> list[dict[str, str]]:
    patterns = [{"label": "topic", "pattern": terms.spellings[key], "id": entry} for key, entry in terms.topics.items()]
    patterns += [
        {"label": "industry", "pattern": terms.spellings[key], "id": industry}
        for key, industry in terms.industries.items()
    ]
    return sorted(patterns, key=lambda p: (p["label"], p["id"], p["pattern"]))


def vocabulary(terms: TermTable, words: Iterable[str], cues: Iterable[str] = (), items: Iterable[str] = ()) -> dict:
    """The reading vocabulary: names (title, alias or industry word → what it stands for),
    synonyms (→ the knowledge base's word), the knowledge base's other words, the cue words
    that ask for a kind of section (routing.yml; the intent guard tells follow-ups by them), and
    the names of list items (the intent guard reads a bare one, "有形性", as a question about it), sorted."""
    return {
        "names": dict(sorted({**terms.topics, **terms.industries}.items())),
        "synonyms": dict(sorted(terms.synonyms.items())),
        "words": sorted(set(words)),
        "kind_cues": sorted(set(cues)),
        "items": sorted(set(items)),
    }


def write_nlu_resources(
    terms: TermTable, directory: Path, words: Iterable[str] = (), cues: Iterable[str] = (), items: Iterable[str] = ()
) -> None:
    """`words`: the knowledge base's own words (its passages' tokens), for typo-tolerant reading;
    `cues`: routing.yml's cue words of the section kinds; `items`: the names of list items."""
    write_text_if_changed(
        directory / VOCABULARY_FILE,
        json.dumps(vocabulary(terms, words, cues, items), ensure_ascii=False, indent=0) + "\n",
    )
    patterns = entity_patterns(terms)
    write_text_if_changed(
        directory / PATTERNS_FILE, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in patterns)
    )
    # jieba splits user words on spaces, so multi-word English aliases are left to the n-gram features.
    words = sorted({p["pattern"] for p in patterns if " " not in p["pattern"]})
    write_text_if_changed(directory / JIEBA_DICTIONARY, "".join(f"{w} 200000\n" for w in words))
