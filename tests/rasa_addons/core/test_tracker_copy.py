"""A copy without replay is what Rasa's replaying `copy()` builds, and it is the copy's own."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from rasa_addons.core.tracker_copy import clone, copy_trackers_without_replay
from tests.rasa_addons.core.conversations import Names, random_events

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, ask_definition, inform]
entities: [topic]
slots:
  topic: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  last_items: {type: list, influence_conversation: false, mappings: [{type: custom}]}
  vip: {type: bool, influence_conversation: true, initial_value: false, mappings: [{type: custom}]}
forms:
  booking_form: {required_slots: [topic]}
responses:
  utter_greet: [{text: 您好}]
actions: [action_answer_knowledge]
"""
)
NAMES = Names(
    intents=("greet", "ask_definition", "inform"),
    actions=("utter_greet", "action_answer_knowledge"),
    slots=("topic", "last_items", "vip", "requested_slot"),
    loops=("booking_form",),
    entities=("topic",),
)


@pytest.fixture
def rasas(monkeypatch: pytest.MonkeyPatch) -> Callable[[DialogueStateTracker], DialogueStateTracker]:
    original = getattr(DialogueStateTracker.copy, "rasa", DialogueStateTracker.copy)
    monkeypatch.setattr(DialogueStateTracker, "copy", original)
    copy_trackers_without_replay()
    copy_trackers_without_replay()  # idempotent
    assert DialogueStateTracker.copy is not original
    return lambda tracker: original(tracker)


def state(tracker: DialogueStateTracker) -> tuple:
    """Everything a tracker holds, as values."""
    return (
        tracker.current_state(EventVerbosity.ALL),
        {name: (slot.value, slot.has_been_set) for name, slot in tracker.slots.items()},
        tracker.latest_action,
        tracker.active_loop,
        tracker.followup_action,
        tracker.latest_bot_utterance,
        tracker.is_paused(),
        (tracker.model_id, tracker.assistant_id, tracker.sender_source, tracker.is_rule_tracker),
        list(tracker.events),
    )


@pytest.mark.parametrize("seed", range(30))
def test_the_copy_is_the_replayed_one(seed: int, rasas) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("staff-7", DOMAIN.slots)
    tracker.model_id = "model-1"
    for event in random_events(rng, 250, NAMES):
        tracker.update(event, DOMAIN)
        if rng.random() < 0.2:
            assert state(tracker.copy()) == state(rasas(tracker))


def test_changing_the_copy_leaves_the_original_alone(rasas) -> None:
    tracker = DialogueStateTracker.from_events("staff-7", [UserUttered("你好")], DOMAIN.slots)
    tracker.update(SlotSet("topic", "empathy-service"))
    before = state(tracker)
    for twin in (tracker.copy(), clone(tracker)):
        twin.update(SlotSet("topic", "customer-emotion"))
        twin.update(UserUttered("举个例子"))
        twin.slots["vip"].value = True
        twin.latest_action["action_name"] = "changed"
        assert state(tracker) == before


def test_a_clone_keeps_every_attribute(rasas) -> None:
    tracker = DialogueStateTracker.from_events("staff-7", [UserUttered("你好")], DOMAIN.slots)
    tracker.model_id = "model-1"
    tracker._stored_event_count = 3  # e.g. the tracker store's mark
    twin = clone(tracker)
    assert state(twin) == state(tracker)
    assert twin._stored_event_count == 3
    assert twin is not tracker and twin.events is not tracker.events and twin.slots is not tracker.slots
