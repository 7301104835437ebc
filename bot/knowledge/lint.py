"""`kb lint`: every problem of the knowledge folder, as `file:line: message`.

Usage:
    >>> problems = lint(Path("knowledge"))
    >>> any(p.level == "error" for p in problems)
    False
"""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.entries import KnowledgeBase, Problem, load_knowledge

#: Longer passages still index, but make chat answers too long to read; trainers should split them.
MAX_PASSAGE_CHARS = 600


def lint(root: Path) -> list[Problem]:
    kb = load_knowledge(root)
    return sorted(kb.problems + _length_warnings(kb), key=lambda p: (str(p.path), p.line))


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
