"""The remembered applied events are Rasa's own, call after call, on random conversations with
reverts, restarts, sessions and loops, and whatever happens to the tracker in between."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable

import pytest
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.core.applied_events import MEMO, Prefix, remember_applied_events
from rasa_addons.core.tracker_copy import clone
from tests.rasa_addons.core.conversations import Names, random_events

NAMES = Names(
    intents=("greet", "ask_definition", "inform", "feedback_negative"),
    actions=("utter_greet", "action_answer_knowledge", "action_record_feedback"),
    slots=("topic", "last_items", "requested_slot"),
    loops=("booking_form", "survey_form"),
    entities=("topic",),
)


@pytest.fixture
def rasas(monkeypatch: pytest.MonkeyPatch) -> Callable[[DialogueStateTracker], list[Event]]:
    """Rasa's own `applied_events`; the remembering one is installed for the test."""
    original = getattr(DialogueStateTracker.applied_events, "rasa", DialogueStateTracker.applied_events)
    monkeypatch.setattr(DialogueStateTracker, "applied_events", original)
    remember_applied_events()
    remember_applied_events()  # idempotent
    assert DialogueStateTracker.applied_events is not original
    return lambda tracker: original(tracker)


def same(first: list[Event], second: list[Event]) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second))


@pytest.mark.parametrize("seed", range(40))
def test_the_same_events_as_rasa_after_every_event(seed: int, rasas) -> None:
    rng = random.Random(seed)
    tracker = DialogueStateTracker("staff-7", [])
    for event in random_events(rng, 300, NAMES):
        tracker.update(event)
        if rng.random() < 0.5:  # not every event is followed by a call
            assert same(tracker.applied_events(), rasas(tracker))
        if rng.random() < 0.05:  # the tracker store hands out a copy at the next turn
            tracker = clone(tracker)
    assert same(tracker.applied_events(), rasas(tracker))


def test_a_new_loop_name_folds_the_earlier_events_again(rasas) -> None:
    tracker = DialogueStateTracker("staff-7", [])
    for event in [ActionExecuted("booking_form"), UserUttered("上海"), ActionExecuted("booking_form")]:
        tracker.update(event)
    assert same(tracker.applied_events(), rasas(tracker))
    tracker.update(ActiveLoop("booking_form"))  # from now on booking_form counts as a loop
    assert same(tracker.applied_events(), rasas(tracker))
    assert len(tracker.applied_events()) < 4


def test_events_taken_away_or_replaced_are_folded_again(rasas) -> None:
    rng = random.Random(11)
    tracker = DialogueStateTracker("staff-7", [])
    for event in random_events(rng, 60, NAMES):
        tracker.update(event)
    assert same(tracker.applied_events(), rasas(tracker))
    tracker.events.pop()
    tracker.events.pop()
    assert same(tracker.applied_events(), rasas(tracker))
    tracker.events.append(UserUttered("另一条消息"))
    assert same(tracker.applied_events(), rasas(tracker))
    tracker.events = deque(list(tracker.events)[5:])
    assert same(tracker.applied_events(), rasas(tracker))
    reloaded = DialogueStateTracker.from_dict("staff-7", [e.as_dict() for e in tracker.events])
    reloaded.__dict__[MEMO] = tracker.__dict__[MEMO]  # new event objects: nothing of the old fold is used
    assert same(reloaded.applied_events(), rasas(reloaded))


def test_prefix_knows_a_sequence_by_both_ends() -> None:
    a, b, c = UserUttered("a"), UserUttered("b"), UserUttered("c")
    assert Prefix.of([a, b]).found_in(deque([a, b, c]))
    assert not Prefix.of([a, b]).found_in([a, c, b])
    assert not Prefix.of([a, b]).found_in([b])
    assert Prefix.of([]).found_in([])


def test_a_tracker_with_a_limited_history_drops_its_oldest_events(rasas) -> None:
    rng = random.Random(5)
    tracker = DialogueStateTracker("staff-7", [], max_event_history=20)
    for event in random_events(rng, 100, NAMES):
        tracker.update(event)
        assert same(tracker.applied_events(), rasas(tracker))


def test_the_result_is_the_callers_to_change(rasas) -> None:
    tracker = DialogueStateTracker.from_events("staff-7", [ActionExecuted("action_listen"), UserUttered("你好")])
    tracker.applied_events().clear()
    assert len(tracker.applied_events()) == 2
    assert MEMO in tracker.__dict__
