"""The knowledge base's controlled vocabulary: section kinds, industries, and the other words staff
use for the knowledge base's own (synonyms, English words) (knowledge/schema.yml).

One file decides which headings are valid and how staff words map to canonical names, so the
linter, the index build and the NLU entity patterns can never disagree.

Usage:
    vocab = Vocabulary.load(Path("knowledge/schema.yml"))
    vocab.section_kind("做法：倾听")  # → '实施策略'
    vocab.industry("医院")  # → '医疗'
    vocab.synonyms["responsiveness"]  # → '响应性'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.yaml_files import load_unique

#: Characters that separate a heading's kind from its subtitle: "应用：银行", "应用: 银行".
_SUBTITLE_SEPARATOR = re.compile(r"\s*[：:]\s*")


class VocabularyError(ValueError):
    """schema.yml itself is malformed: nothing can be checked or indexed without it."""


@dataclass(frozen=True)
class Vocabulary:
    """Canonical section kinds and industries, each with the aliases that map onto it."""

    section_kinds: dict[str, str]  # alias or kind -> kind
    industries: dict[str, str]  # alias or industry -> industry
    synonyms: dict[str, str] = field(default_factory=dict)  # another word -> the knowledge base's word

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        try:
            data = load_unique(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise VocabularyError(f"{path}: cannot read vocabulary: {exc}") from exc
        if not isinstance(data, dict):
            raise VocabularyError(f"{path}: expected a mapping with section_kinds and industries")
        return cls(
            section_kinds=_alias_map(path, data, "section_kinds"),
            industries=_alias_map(path, data, "industries"),
            synonyms=_synonyms(path, data),
        )

    @property
    def kinds(self) -> list[str]:
        """Canonical kinds in file order."""
        return list(dict.fromkeys(self.section_kinds.values()))

    @property
    def industry_names(self) -> list[str]:
        return list(dict.fromkeys(self.industries.values()))

    def split_heading(self, heading: str) -> tuple[str | None, str]:
        """Return (kind, subtitle) of a `##` heading; kind is None when it names no known kind."""
        head, *rest = _SUBTITLE_SEPARATOR.split(heading.strip(), maxsplit=1)
        return self.section_kinds.get(head), rest[0] if rest else ""

    def section_kind(self, heading: str) -> str | None:
        return self.split_heading(heading)[0]

    def industry(self, word: str) -> str | None:
        return self.industries.get(word.strip())


def _alias_map(path: Path, data: dict, key: str) -> dict[str, str]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise VocabularyError(f"{path}: '{key}' must be a non-empty mapping of name -> [aliases]")
    mapping: dict[str, str] = {}
    for name, aliases in table.items():
        if aliases is None:
            aliases = []
        if not isinstance(name, str) or not isinstance(aliases, list):
            raise VocabularyError(f"{path}: '{key}.{name}' must map a name to a list of aliases")
        for word in [name, *aliases]:
            word = str(word).strip()
            if mapping.get(word, name) != name:
                raise VocabularyError(f"{path}: '{word}' is an alias of both {mapping[word]} and {name}")
            mapping[word] = name
    return mapping


def _synonyms(path: Path, data: dict) -> dict[str, str]:
    """`synonyms:` maps a word of the knowledge base to the other words (Chinese or English) staff
    use for it; a message's synonym is read as the knowledge base's word."""
    table = data.get("synonyms") or {}
    if not isinstance(table, dict):
        raise VocabularyError(f"{path}: 'synonyms' must be a mapping of word -> [other words]")
    mapping: dict[str, str] = {}
    for term, words in table.items():
        if not isinstance(term, str) or not isinstance(words, list) or not words:
            raise VocabularyError(f"{path}: 'synonyms.{term}' must map a word to a list of other words")
        for word in words:
            word = str(word).strip()
            if not word or word == term:
                raise VocabularyError(f"{path}: 'synonyms.{term}': '{word}' is empty or the word itself")
            if mapping.get(word.lower(), term) != term:
                raise VocabularyError(f"{path}: '{word}' stands for both {mapping[word.lower()]} and {term}")
            mapping[word.lower()] = term
    return mapping
