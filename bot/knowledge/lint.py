"""`kb lint`: every problem of the knowledge folder, as `file:line: message`.

Usage:
    problems = lint(Path("knowledge"))
    any(p.level == "error" for p in problems)  # → False
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.knowledge.cases import CASES_FILE, lint_cases
from bot.knowledge.entries import KnowledgeBase, Problem, load_knowledge
from bot.knowledge.routing import ROUTING_FILE, Routing, RoutingError, domain_intents

#: Longer passages still index, but make chat answers too long to read; trainers should split them.
MAX_PASSAGE_CHARS = 600


def lint(root: Path, domain: Path | None = None, overrides: Mapping[str, str | None] | None = None) -> list[Problem]:
    """Problems of every entry, of routing.yml (checked against `domain`'s intents when given) and of
    the saved test cases (tests.yml); `overrides` are drafts read in place of files (see `load_knowledge`;
    a tests.yml draft is read in place of the file too)."""
    drafts = dict(overrides or {})
    cases_text = drafts.pop(CASES_FILE, None)
    kb = load_knowledge(root, overrides=drafts)
    problems = kb.problems + _length_warnings(kb) + lint_cases(root, kb, domain, cases_text)
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
