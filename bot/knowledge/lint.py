"""`kb lint`: every problem of the knowledge folder, as `file:line: message`.

Usage:
    problems = lint(Path("knowledge"))
    any(p.level == "error" for p in problems)  # → False
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import jieba

from bot.knowledge.cases import CASES_FILE, lint_cases
from bot.knowledge.entries import VOCABULARY_FILE, KnowledgeBase, Problem, load_knowledge
from bot.knowledge.routing import ROUTING_FILE, Routing, RoutingError, domain_intents
from bot.knowledge.terms import normalize
from normalization.matching import TermMatcher

#: Longer passages still index, but make chat answers too long to read; trainers should split them.
MAX_PASSAGE_CHARS = 600
#: One-character words that join a name without being a typo: 客户的情感需求, 情绪与压力.
STRAY_EXEMPT = frozenset("的之与和及或")


def lint(root: Path, domain: Path | None = None, overrides: Mapping[str, str | None] | None = None) -> list[Problem]:
    """Problems of every entry, of routing.yml (checked against `domain`'s intents when given) and of
    the saved test cases (tests.yml); `overrides` are drafts read in place of files (see `load_knowledge`;
    a tests.yml draft is read in place of the file too)."""
    drafts = dict(overrides or {})
    cases_text = drafts.pop(CASES_FILE, None)
    kb = load_knowledge(root, overrides=drafts)
    problems = kb.problems + _length_warnings(kb) + _typo_alias_warnings(kb) + _synonym_warnings(kb)
    problems += lint_cases(root, kb, domain, cases_text)
    try:
        Routing.load(root / ROUTING_FILE, kb.vocabulary, domain_intents(domain) if domain else None)
    except RoutingError as exc:
        problems.append(Problem(Path(ROUTING_FILE), 0, str(exc).removeprefix(f"{root / ROUTING_FILE}: ")))
    return sorted(problems, key=lambda p: (str(p.path), p.line))


def _length_warnings(kb: KnowledgeBase) -> list[Problem]:
    return [
        Problem(
            kb.entries[p.entry_id].path,
            p.line,
            f"section '{p.section}' has {len(p.text)} characters; split it below {MAX_PASSAGE_CHARS} with '###'",
            level="warning",
        )
        for p in kb.passages
        if len(p.text) > MAX_PASSAGE_CHARS
    ]


def _typo_alias_warnings(kb: KnowledgeBase) -> list[Problem]:
    """An alias that is a typo of its entry's name: a homophone of the title or another alias, or one
    edit from the title, that leaves a stray character the name does not have ("客户情绪管埋", "情绪管里";
    unlike a variant such as "客户的情感需求", whose words are all words). The assistant reads such typos by itself
    (normalization.matching); every IME makes others, so kept by hand they only add noise."""
    problems = []
    for entry in kb.entries.values():
        title = normalize(entry.meta.title)
        names = {normalize(n) for n in (entry.meta.title, *entry.meta.aliases)}
        for alias in entry.meta.aliases:
            key = normalize(alias)
            others = {n: n for n in names if n != key}
            read = [
                m
                for m in TermMatcher(others, edits=True).find(key)
                if (m.start, m.end) == (0, len(key)) and (m.how == "homophone" or m.term == title)
            ]
            if read and _stray_characters(key) - _stray_characters(read[0].term):
                message = f"alias '{alias}' is a typo ({read[0].how}) of '{read[0].term}': the assistant reads such typos itself"
                problems.append(Problem(entry.path, 0, message, level="warning"))
    return problems


def _synonym_warnings(kb: KnowledgeBase) -> list[Problem]:
    """A synonym must stand for a word some entry uses, or reading it leads nowhere."""
    text = "\n".join(p.searchable_text for p in kb.passages)
    unused = sorted({term for term in kb.vocabulary.synonyms.values() if term not in text})
    return [
        Problem(Path(VOCABULARY_FILE), 0, f"synonyms: '{term}' occurs in no entry", level="warning") for term in unused
    ]


def _stray_characters(text: str) -> set[str]:
    """Characters jieba cannot join into any word of its dictionary (no function words)."""
    jieba.setLogLevel(logging.WARNING)
    return {
        w for w in jieba.lcut(text, HMM=False) if len(w) == 1 and w not in STRAY_EXEMPT and "\u4e00" <= w <= "\u9fff"
    }
