"""`DialogueStateTracker.applied_events()` worked out once per event, not once per call.

Rasa 3.6 recomputes the applied events (the session's events minus what reverts and restarts
undid) from the first event of the session on every call, and calls it several times per turn:
the session check of every message, and twice for every prediction of RulePolicy. At turn 1,000
of one conversation that was a quarter of the Rasa server's CPU (py-spy), growing with the session.

The computation is a left fold over the events: each event either resets the list, undoes its
tail, or is appended; the only input besides the list so far is the set of loop names that occur
anywhere among the events. So the result for the first `n` events is kept on the tracker, and a
later call continues the fold from it over the events added since, provided that

- the tracker still starts with those `n` events (`Prefix`): Rasa only ever appends events to a
  tracker (`update`), or makes a new tracker with new event objects (a reload) or the same ones
  (a copy); so the same event objects at both ends of the first `n` mean the same `n` events;
- and the new events name no loop that the old ones did not (a new loop name can change how
  earlier events are folded; then the fold starts over, as Rasa's does).

Otherwise it is Rasa's own computation. The fold steps call Rasa's own helpers, so a revert or a
loop is undone exactly as Rasa undoes it; `tests/rasa_addons/core/test_applied_events.py` compares
the results with Rasa's on random conversations with reverts, restarts, sessions and loops.

Usage (once, before Rasa handles messages):
    remember_applied_events()
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

#: The attribute of a tracker that keeps its applied events.
MEMO = "_applied_events_memo"


@dataclass(frozen=True)
class Prefix:
    """The first `count` items of a sequence, known by the objects at both ends.

    A tracker's events only grow at the end, and a copy or a reload has the same or new objects;
    events are never reused within a tracker. So this check is enough, and it costs nothing however
    long the conversation: checking every event by identity was, at turn 2,000, a tenth of a turn.

    Prefix.of(["a", "b"]).found_in(["a", "b", "c"])  # → True
    """

    count: int
    first: Any = None
    last: Any = None

    @classmethod
    def of(cls, items: Sequence[Any]) -> Prefix:
        return cls(len(items), items[0], items[-1]) if items else cls(0)

    def found_in(self, items: Sequence[Any]) -> bool:
        if self.count == 0:
            return True
        return len(items) >= self.count and items[0] is self.first and items[self.count - 1] is self.last


@dataclass(frozen=True)
class AppliedEvents:
    """The applied events of a tracker whose events began with `events` (never changed once made)."""

    events: Prefix
    applied: list[Event]
    loop_names: frozenset[str]


def _loop_names(events: Iterable[Event]) -> list[str]:
    from rasa.shared.core.events import ActiveLoop

    return [event.name for event in events if isinstance(event, ActiveLoop) and event.name]


def fold(tracker: DialogueStateTracker, events: Iterable[Event], applied: list[Event], loop_names: Any) -> list[Event]:
    """Rasa's `applied_events` loop (rasa/shared/core/trackers.py), from `applied` on."""
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
    )

    for event in events:
        if isinstance(event, (Restarted, SessionStarted)):
            applied = []
        elif isinstance(event, ActionReverted):
            tracker._undo_till_previous(ActionExecuted, applied)
        elif isinstance(event, UserUtteranceReverted):
            tracker._undo_till_previous(UserUttered, applied)
            tracker._undo_till_previous(ActionExecuted, applied)
        elif (
            isinstance(event, ActionExecuted)
            and event.action_name in loop_names
            and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
        ):
            tracker._undo_till_previous_loop_execution(event.action_name, applied)
        else:
            applied.append(event)
    return applied


def applied_events(tracker: DialogueStateTracker) -> list[Event]:
    """Rasa's result, continued from the last call's where the tracker only grew since."""
    events = tracker.events
    memo: AppliedEvents | None = tracker.__dict__.get(MEMO)
    if memo is not None and memo.events.found_in(events):
        new = list(itertools.islice(events, memo.events.count, None))
        if not new:
            return list(memo.applied)
        if set(_loop_names(new)) <= memo.loop_names:
            applied = fold(tracker, new, list(memo.applied), memo.loop_names)
            tracker.__dict__[MEMO] = AppliedEvents(Prefix.of(events), applied, memo.loop_names)
            return list(applied)
    names = _loop_names(events)
    applied = fold(tracker, events, [], names)
    tracker.__dict__[MEMO] = AppliedEvents(Prefix.of(events), applied, frozenset(names))
    return list(applied)


def remember_applied_events() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    if getattr(DialogueStateTracker.applied_events, "remembered", False):
        return
    applied_events.remembered = True  # type: ignore[attr-defined]
    applied_events.rasa = DialogueStateTracker.applied_events  # type: ignore[attr-defined]  # for the tests
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign,assignment]
