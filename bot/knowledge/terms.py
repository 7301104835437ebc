"""The one table of names the knowledge base answers to: entry titles and aliases, industry words,
and the other words staff use for the knowledge base's own (synonyms, English words).

The index build (jieba user words), the NLU export (entity patterns) and query analysis all read
this table, so a name is recognized the same way everywhere. Matching is case-, width- and
script-insensitive (`normalization.script.normalize`): 'KANO', 'kano' and 'ＫＡＮＯ' are one term,
and so are 客户情绪管理 and 客戶情緒管理.

Usage:
    table = TermTable.from_knowledge(load_knowledge(Path("knowledge")))
    table.topics[normalize("KANO")]  # → 'kano-model'
    table.industries[normalize("医院")]  # → '医疗'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.knowledge.entries import KnowledgeBase
from normalization.script import normalize

__all__ = ["TermTable", "normalize"]

#: What joins the two things a title names ("员工情感疲惫与情感劳动压力", "酒店欢迎礼品与感谢信").
_COORDINATION = re.compile("[与和及]")
#: A conjunct this long names its entry on its own (情感劳动压力); a shorter one is a word (重视).
CONJUNCT_NAME = 4
#: A word for people leaves a title's short form only from between two words at least this long.
SIDE = 2


@dataclass(frozen=True)
class TermTable:
    """Normalized term -> entry id (topics) or canonical industry, and each term's spelling."""

    topics: dict[str, str] = field(default_factory=dict)
    industries: dict[str, str] = field(default_factory=dict)
    #: normalized term -> the spelling trainers wrote (first one seen), for dictionaries and patterns
    spellings: dict[str, str] = field(default_factory=dict)
    #: normalized synonym (Chinese or English) -> the knowledge base's word for it (schema.yml `synonyms:`)
    synonyms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_knowledge(cls, kb: KnowledgeBase) -> TermTable:
        """Titles and aliases of loaded entries (first entry wins a shared name; lint reports it),
        then the conjuncts of coordinated titles of `CONJUNCT_NAME` characters or more, then every industry word of the vocabulary that does not already name an entry, and the
        synonyms that are no entry's name and not the word itself in another script or case."""
        topics: dict[str, str] = {}
        industries: dict[str, str] = {}
        spellings: dict[str, str] = {}
        for entry in kb.entries.values():
            for term in (entry.meta.title, *entry.meta.aliases):
                key = normalize(term)
                if key and key not in topics:
                    topics[key] = entry.meta.id
                    spellings.setdefault(key, term.strip())
        # Each thing a coordinated title names is a name of the entry too: staff ask about
        # 情感劳动压力, not 员工情感疲惫与情感劳动压力, and 情感劳动 alone names the theory.
        for entry in kb.entries.values():
            parts = _COORDINATION.split(entry.meta.title)
            for part in parts if len(parts) > 1 else ():
                key = normalize(part)
                if len(key) >= CONJUNCT_NAME and key not in topics:
                    topics[key] = entry.meta.id
                    spellings.setdefault(key, part.strip())
        for word, industry in kb.vocabulary.industries.items():
            key = normalize(word)
            if key and key not in topics and key not in industries:
                industries[key] = industry
                spellings.setdefault(key, word.strip())
        synonyms = {
            normalize(word): term
            for word, term in kb.vocabulary.synonyms.items()
            if normalize(word) not in topics
            and normalize(word) not in industries
            and normalize(word) != normalize(term)
        }
        return cls(topics, industries, spellings, synonyms)

    @classmethod
    def from_json(cls, data: dict) -> TermTable:
        return cls(dict(data["topics"]), dict(data["industries"]), dict(data["spellings"]), dict(data["synonyms"]))

    def to_json(self) -> dict:
        return {
            "topics": self.topics,
            "industries": self.industries,
            "spellings": self.spellings,
            "synonyms": self.synonyms,
        }

    def names_of(self, entry: str) -> list[str]:
        """The entry's title and aliases, normalized (the keys that name it)."""
        return [name for name, named in self.topics.items() if named == entry]

    def words(self) -> list[str]:
        """Every term as written, for a segmenter's user dictionary."""
        return sorted(set(self.spellings.values()))

    def shortened_titles(self, people: Iterable[str], said_elsewhere: Callable[[str, str], bool]) -> dict[str, str]:
        """Titles said without the word for whom they serve, between two words (提升满意度 for 提升客户满意度,
        银行VIP定期回访): staff leave 客户 out as they type. Such a short form → the title as written,
        when it is `CONJUNCT_NAME` characters or more, names nothing else and no other entry says it
        (`said_elsewhere(short, entry)`: 情绪管理 is said all over, 体验理论 by another theory)."""
        people = sorted(set(people), key=len, reverse=True)
        found: dict[str, dict[str, str]] = {}  # short form -> entry -> the name it shortens
        for key, entry in self.topics.items():
            for person in people:
                at = key.find(person)
                if at < SIDE or len(key) - at - len(person) < SIDE:
                    continue  # only from inside: "安抚情绪激动的客户" without it ends mid-phrase, "让感到被重视" is none
                short = key[:at] + key[at + len(person) :]
                if len(short) >= CONJUNCT_NAME and short not in self.topics and not said_elsewhere(short, entry):
                    found.setdefault(short, {}).setdefault(entry, self.spellings.get(key, key))
        return {short: next(iter(named.values())) for short, named in found.items() if len(named) == 1}
