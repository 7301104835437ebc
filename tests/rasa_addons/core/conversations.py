"""Random conversations for comparing this project's changes to Rasa's own tracker code.

Every kind of event that changes a tracker's state or its applied events occurs: user messages
with and without entities, actions, bot messages, slots, loops that start, are interrupted and
end, rejected actions, follow-up actions, reverted user messages and actions, restarts and new
sessions. Seeded, so a failure can be replayed.

Usage:
    for event in random_events(random.Random(3), 200, DOMAIN_NAMES):
        tracker.update(event)
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)


@dataclass(frozen=True)
class Names:
    intents: tuple[str, ...]
    actions: tuple[str, ...]
    slots: tuple[str, ...]
    loops: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()


def user(rng: random.Random, names: Names, clock: list[float]) -> UserUttered:
    intent = rng.choice(names.intents)
    entities = []
    if names.entities and rng.random() < 0.3:
        entity = rng.choice(names.entities)
        entities = [{"entity": entity, "value": rng.choice(["上海", "北京", "酒店"]), "start": 0, "end": 2}]
    return UserUttered(
        rng.choice(["什么是移情服务", "举个例子", "你好", "/" + intent]),
        {"name": intent, "confidence": round(rng.random(), 3)},
        entities,
        timestamp=tick(clock),
    )


def tick(clock: list[float]) -> float:
    clock[0] += 1.0
    return clock[0]


def random_event(rng: random.Random, names: Names, clock: list[float]) -> Event:
    """One event; ordinary ones most of the time, the rare ones now and then."""
    roll = rng.random()
    if roll < 0.25:
        return user(rng, names, clock)
    if roll < 0.55:
        return ActionExecuted(rng.choice(names.actions + names.loops + ("action_listen",)), timestamp=tick(clock))
    if roll < 0.65:
        return SlotSet(rng.choice(names.slots), rng.choice([None, "a", "b", True, ["x", "y"]]), timestamp=tick(clock))
    if roll < 0.72:
        return BotUttered(rng.choice(["好的", "您好"]), {"buttons": []}, timestamp=tick(clock))
    if roll < 0.76 and names.loops:
        return ActiveLoop(rng.choice((*names.loops, None)), timestamp=tick(clock))
    if roll < 0.78 and names.loops:
        return LoopInterrupted(rng.random() < 0.5, timestamp=tick(clock))
    if roll < 0.80:
        return ActionExecutionRejected(rng.choice(names.actions + names.loops), timestamp=tick(clock))
    if roll < 0.82:
        return FollowupAction(rng.choice(names.actions), timestamp=tick(clock))
    if roll < 0.85:
        return UserUtteranceReverted(timestamp=tick(clock))
    if roll < 0.87:
        return ActionReverted(timestamp=tick(clock))
    if roll < 0.88:
        return Restarted(timestamp=tick(clock))
    if roll < 0.895:
        return SessionStarted(timestamp=tick(clock))
    if roll < 0.91:
        return AllSlotsReset(timestamp=tick(clock))
    if roll < 0.94:
        return DefinePrevUserUtteredFeaturization(rng.random() < 0.5, timestamp=tick(clock))
    if roll < 0.96 and names.entities:
        return EntitiesAdded([{"entity": rng.choice(names.entities), "value": "广州"}], timestamp=tick(clock))
    return ActionExecuted("action_listen", timestamp=tick(clock))


def random_events(rng: random.Random, count: int, names: Names) -> Iterator[Event]:
    clock = [1_700_000_000.0]
    yield ActionExecuted("action_session_start", timestamp=tick(clock))
    yield SessionStarted(timestamp=tick(clock))
    yield ActionExecuted("action_listen", timestamp=tick(clock))
    for _ in range(count):
        yield random_event(rng, names, clock)
