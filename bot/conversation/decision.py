"""What the answer policy decides: data, composed into a reply by `compose`.

Usage:
    Decision("answer", [passage], note=Note("utter_industry_gap", {"industry": "教育"}))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.knowledge.entries import Passage

Status = Literal["answer", "compare", "not_found", "clarify", "not_understood"]


@dataclass
class Note:
    """A fixed sentence before the answer: a Rasa response name and its parameters."""

    response: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Decision:
    status: Status
    passages: list[Passage] = field(default_factory=list)  # answer: one; compare: two or more
    #: a list item's line of the passage, answered instead of the whole passage
    excerpt: str | None = None
    note: Note | None = None
    alternatives: list[Passage] = field(default_factory=list)  # runners-up from other entries
    choices: list[Passage] = field(default_factory=list)  # clarify: one passage per entry
    related: list[str] = field(default_factory=list)  # not_found: titles of nearby entries
    clarify_about: str = ""  # clarify: the word the choices share

    @property
    def passage(self) -> Passage:
        return self.passages[0]
