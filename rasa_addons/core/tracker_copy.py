"""Copy a tracker without replaying its events.

Rasa 3.6's `DialogueStateTracker.copy()` builds a fresh tracker and replays every event of the
session into it, and the processor copies the tracker for every action it runs (`_run_action`,
so that an action sees the policy's events on a copy). Profiled at turn 1,000 of one
conversation this was 13% of the Rasa server's CPU, growing with the session.

A tracker's state is, by Rasa's own rule, re-creatable from its events (see the comment in
`DialogueStateTracker.__init__`): every change of slots, latest message, latest action, active
loop, follow-up action and pause goes through an event's `apply_to`. So the state a replay would
build is the state the tracker already has. `copy_state` takes it over directly: the same event
objects (a replay shares them too), slot values, latest messages and actions, in containers of
the copy's own, so that changing the copy never changes the original. `tests/rasa_addons/core/
test_tracker_copy.py` checks it against Rasa's replay on random conversations.

Usage (once, before Rasa handles messages):
    copy_trackers_without_replay()
    clone(tracker)   # the same, keeping every attribute (used by the tracker store's cache)
"""

from __future__ import annotations

import copy
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasa.shared.core.trackers import DialogueStateTracker


def copy_state(source: DialogueStateTracker, target: DialogueStateTracker) -> DialogueStateTracker:
    """Give `target` (a fresh `init_copy()` of `source`) the events and state of `source`."""
    target.events = deque(source.events, source._max_event_history)
    for name, slot in source.slots.items():
        own = target.slots[name]
        own._value = slot._value
        own._has_been_set = slot._has_been_set
    target._paused = source._paused
    target.followup_action = source.followup_action
    target.latest_action = dict(source.latest_action) if source.latest_action is not None else None
    target.latest_message = source.latest_message
    target.latest_bot_utterance = source.latest_bot_utterance
    target.active_loop = copy.copy(source.active_loop)
    return target


def fast_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """What Rasa's `copy()` returns (an `init_copy()` with the events replayed), without the replay."""
    return copy_state(tracker, tracker.init_copy())


def clone(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy with every attribute of `tracker` (model id, marks of the tracker store, ...)."""
    twin = copy.copy(tracker)
    twin.slots = type(tracker.slots)()  # a dict, or Rasa's AnySlotDict
    for name, slot in tracker.slots.items():
        twin.slots[name] = copy.copy(slot)
    return copy_state(tracker, twin)


def copy_trackers_without_replay() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    if getattr(DialogueStateTracker.copy, "without_replay", False):
        return
    fast_copy.without_replay = True  # type: ignore[attr-defined]
    fast_copy.rasa = DialogueStateTracker.copy  # type: ignore[attr-defined]  # for the tests
    DialogueStateTracker.copy = fast_copy  # type: ignore[method-assign,assignment]
