"""Dialogue sets (the ../shared/eval format) turned into saved test cases.

Each dialogue is replayed turn by turn as staff would be answered (bot/conversation/replay.py);
a turn whose reply passes that turn's own checks (`expect`, `expect_any`, `reject`:
bot/evaluation/dialogues.py) becomes a case expecting what it got (the entry and section it was
answered from, not found, a clarification, or the fixed response of a dialogue rule), with the
dialogue's earlier turns as its earlier turns. A turn that fails its checks is left out: a case
must record an answer someone judged right, never one that happens to be given today. `kb test
convert` does this, so the conversion can be redone when the sets grow.

Usage:
    cases, counts = cases_from_dialogues(replayer, load_dialogues(path), source=path.name)
    counts.turns, counts.kept, counts.failed_checks  # → (30, 27, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.conversation.replay import Replayer
from bot.evaluation.dialogues import Dialogue
from bot.evaluation.saved_cases import observe
from bot.knowledge.cases import TestCase


@dataclass
class ConversionCounts:
    turns: int = 0
    kept: int = 0  # became cases
    failed_checks: int = 0  # the reply did not pass the turn's own checks: left out
    no_expectation: int = 0  # the index was unavailable
    left_out: list[str] = field(default_factory=list)  # "dialogue · turn n: why"


def cases_from_dialogues(
    replayer: Replayer, dialogues: Sequence[Dialogue], source: str
) -> tuple[list[TestCase], ConversionCounts]:
    counts = ConversionCounts()
    cases: list[TestCase] = []
    for dialogue in dialogues:
        messages = [turn.user for turn in dialogue.turns]
        replayed = replayer.run(messages)
        for number, (turn, result) in enumerate(zip(dialogue.turns, replayed), start=1):
            counts.turns += 1
            observed = observe(result)
            problems = turn.problems(observed.text)
            where = f"{dialogue.name} · 第 {number} 轮（{turn.user}）"
            if problems:
                counts.failed_checks += 1
                counts.left_out.append(f"{where}: {'; '.join(problems)}")
                continue
            expectation = observed.expectation
            if expectation is None:
                counts.no_expectation += 1
                counts.left_out.append(f"{where}: {observed.kind}")
                continue
            counts.kept += 1
            note = f"{source} · {dialogue.name} · 第 {number} 轮"
            cases.append(TestCase.create(turn.user, expectation, earlier=messages[: number - 1], note=note))
    return cases, counts
