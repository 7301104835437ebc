"""Dialogue evaluation: multi-turn conversations in the ../shared/eval format, run against the
running assistant, turn by turn, so a change to the decision logic shows which turns it fixes
or breaks.

A turn passes when its reply (the text of all the bot's messages, each followed by its buttons'
titles) holds every `expect` term, one `expect_any` term, one `expect_any_2` term and no `reject`
term (case-sensitive substrings).

Usage:
    dialogues = load_dialogues(Path("../shared/eval/dev_dialogues.yml"))
    report = DialogueEvaluator(webhook_sender("http://localhost:5005/webhooks/rest/webhook")).run(dialogues)
    f"{report.turn_pass_rate:.0%}", [t.problems for t in report.failed_turns]  # → ('95%', [["missing 来源"]])
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: Sends one user message in a conversation and returns the bot's messages (Rasa REST format).
Sender = Callable[[str, str], list[dict]]

#: Every cited answer carries it; a reply to an out-of-domain question must not.
CITATION_MARK = "来源："

_TERM_KEYS = ("expect", "expect_any", "expect_any_2", "reject")


class DialogueFileError(ValueError):
    """A dialogue file that is missing or not in the shared/eval format; the message says where."""


@dataclass(frozen=True)
class Turn:
    """One user message and what its reply must (not) contain."""

    user: str
    expect: tuple[str, ...] = ()
    expect_any: tuple[str, ...] = ()
    expect_any_2: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.user, str):
            raise ValueError("`user` must be a string")
        for key in _TERM_KEYS:
            terms = getattr(self, key)
            if not all(isinstance(t, str) and t for t in terms):
                raise ValueError(f"`{key}` must be a list of non-empty strings")

    def problems(self, reply: str) -> list[str]:
        """Why `reply` fails this turn (empty when it passes)."""
        found = [f"missing {t}" for t in self.expect if t not in reply]
        for key in ("expect_any", "expect_any_2"):
            terms = getattr(self, key)
            if terms and not any(t in reply for t in terms):
                found.append(f"none of {'/'.join(terms)}")
        found += [f"rejected {t}" for t in self.reject if t in reply]
        return found


@dataclass(frozen=True)
class Dialogue:
    name: str
    turns: tuple[Turn, ...]

    def __post_init__(self) -> None:
        if not self.turns:
            raise ValueError(f"dialogue {self.name!r} has no turns")


def load_dialogues(path: Path) -> list[Dialogue]:
    """The dialogues of a file; a missing file or a malformed turn raises DialogueFileError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DialogueFileError(f"{path}: cannot read: {exc}") from exc
    items = data.get("dialogues") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise DialogueFileError(f"{path}: expected a non-empty `dialogues:` list")
    dialogues = []
    for number, item in enumerate(items, start=1):
        name = item.get("name", f"#{number}") if isinstance(item, dict) else f"#{number}"
        try:
            turns = tuple(_turn(t) for t in item["turns"])
            dialogues.append(Dialogue(str(name), turns))
        except (KeyError, TypeError, ValueError) as exc:
            raise DialogueFileError(f"{path}: dialogue {name!r}: {exc}") from exc
    return dialogues


def _turn(data: dict) -> Turn:
    unknown = set(data) - {"user", *_TERM_KEYS}
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    return Turn(data["user"], **{k: tuple(data.get(k) or ()) for k in _TERM_KEYS})


def reply_text(messages: Iterable[dict]) -> str:
    """The bot's messages of a turn as the checks read them: each text, then its buttons' titles."""
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts.extend(button.get("title", "") for button in message.get("buttons") or [])
    return "\n".join(parts)


@dataclass(frozen=True)
class TurnResult:
    dialogue: str
    number: int  # 1-based within its dialogue
    turn: Turn
    reply: str
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class DialogueResult:
    dialogue: Dialogue
    turns: tuple[TurnResult, ...]

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.turns)


@dataclass(frozen=True)
class DialogueReport:
    """The results of one file's dialogues."""

    dialogues: tuple[DialogueResult, ...] = field(default_factory=tuple)

    @property
    def turns(self) -> list[TurnResult]:
        return [t for d in self.dialogues for t in d.turns]

    @property
    def failed_turns(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.passed]

    @property
    def turn_pass_rate(self) -> float:
        turns = self.turns
        return sum(t.passed for t in turns) / len(turns) if turns else 0.0

    @property
    def dialogue_pass_rate(self) -> float:
        return sum(d.passed for d in self.dialogues) / len(self.dialogues) if self.dialogues else 0.0


class DialogueEvaluator:
    """Runs dialogues through a sender, each in a fresh conversation; every turn is run and
    judged even after an earlier one failed. A sender error fails that turn (its reply names the
    error) instead of ending the run.

    Usage:
        DialogueEvaluator(lambda sender, text: [{"text": "您好"}]).run([dialogue]).turn_pass_rate  # → 1.0
    """

    def __init__(self, send: Sender, run_id: str | None = None) -> None:
        self.send = send
        self.run_id = run_id or uuid.uuid4().hex[:8]

    def run(self, dialogues: Sequence[Dialogue], prefix: str = "eval") -> DialogueReport:
        return DialogueReport(
            tuple(self.run_one(d, f"{prefix}-{self.run_id}-{i}") for i, d in enumerate(dialogues, start=1))
        )

    def run_one(self, dialogue: Dialogue, sender_id: str) -> DialogueResult:
        results = []
        for number, turn in enumerate(dialogue.turns, start=1):
            try:
                reply = reply_text(self.send(sender_id, turn.user))
            except (OSError, RuntimeError, ValueError) as exc:  # transport errors (requests' are OSErrors)
                results.append(TurnResult(dialogue.name, number, turn, f"<error: {exc}>", ("no reply",)))
                continue
            results.append(TurnResult(dialogue.name, number, turn, reply, tuple(turn.problems(reply))))
        return DialogueResult(dialogue, tuple(results))


@dataclass(frozen=True)
class OutOfDomainReport:
    """Out-of-domain questions and which of them got a cited answer (a wrong answer)."""

    questions: tuple[str, ...]
    cited: tuple[tuple[str, str], ...]  # (question, reply)
    errors: tuple[tuple[str, str], ...] = ()  # (question, error)

    @property
    def refused_rate(self) -> float:
        """Share of questions answered without a citation."""
        if not self.questions:
            return 0.0
        return (len(self.questions) - len(self.cited) - len(self.errors)) / len(self.questions)


def evaluate_out_of_domain(questions: Sequence[str], send: Sender, run_id: str | None = None) -> OutOfDomainReport:
    """Asks each question in its own conversation; a reply citing a source counts as wrong."""
    run_id = run_id or uuid.uuid4().hex[:8]
    cited, errors = [], []
    for number, question in enumerate(questions, start=1):
        try:
            reply = reply_text(send(f"ood-{run_id}-{number}", question))
        except (OSError, RuntimeError, ValueError) as exc:  # an error counts against the set
            errors.append((question, str(exc)))
            continue
        if CITATION_MARK in reply:
            cited.append((question, reply))
    return OutOfDomainReport(tuple(questions), tuple(cited), tuple(errors))


def webhook_sender(url: str, timeout: float = 60) -> Sender:
    """A sender posting to a Rasa REST webhook; a non-200 status or a non-list body raises."""
    import requests

    def send(sender_id: str, message: str) -> list[dict]:
        response = requests.post(url, json={"sender": sender_id, "message": message}, timeout=timeout)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code} from {url}: {response.text[:200]}")
        body = response.json()
        if not isinstance(body, list):
            raise RuntimeError(f"unexpected reply from {url}: {str(body)[:200]}")
        return body

    return send
