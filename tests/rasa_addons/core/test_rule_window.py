"""RulePolicy with the recent states only decides exactly as Rasa's own RulePolicy.

Two trained policies: this project's domain and rules, and a domain that uses what ours does not
(a form with its unhappy paths, rules of several user turns, a conversation-start rule, slots that
influence the conversation). Conversations are played the way Rasa's processor plays them: a
user message, then predictions until `action_listen`, with the rare events (reverts, restarts,
new sessions, a tracker reloaded from the database or handed out by the store's cache) between.
Every prediction is compared with Rasa's, field by field.
"""

from __future__ import annotations

import copy
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RULES_NOT_IN_STORIES, RulePolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.core.applied_events import remember_applied_events
from rasa_addons.core.rule_window import CUT_MARK, featurize_recent_rule_states, recent_states, window_size
from rasa_addons.core.tracker_copy import clone, copy_trackers_without_replay
from tests.conftest import ROOT

RICH = Path(__file__).parent / "fixtures" / "rich"


def trained(domain: Domain, rules: Path, **settings: object) -> RulePolicy:
    storage = LocalModelStorage(Path(tempfile.mkdtemp(prefix="rule-window-")))
    config = {**RulePolicy.get_default_config(), **settings}
    policy = RulePolicy.create(config, storage, Resource("rules"), ExecutionContext(GraphSchema({}), "test"))
    policy.train(load_data(str(rules), domain, augmentation_factor=0), domain)
    return policy


@pytest.fixture(scope="module")
def ours() -> tuple[RulePolicy, Domain]:
    domain = Domain.load(ROOT / "domain.yml")
    settings = next(
        p for p in yaml.safe_load((ROOT / "config.yml").read_text())["policies"] if p["name"] == "RulePolicy"
    )
    return trained(domain, ROOT / "data" / "rules", **{k: v for k, v in settings.items() if k != "name"}), domain


@pytest.fixture(scope="module")
def rich() -> tuple[RulePolicy, Domain]:
    domain = Domain.load(RICH / "domain.yml")
    return trained(domain, RICH / "rules.yml", restrict_rules=False), domain


PATCHED = [
    (RulePolicy, "_prediction_states"),
    (RulePolicy, "_create_feature_key"),
    (DialogueStateTracker, "applied_events"),
    (DialogueStateTracker, "copy"),
]


@pytest.fixture(autouse=True)
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    for owner, name in PATCHED:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    featurize_recent_rule_states()
    featurize_recent_rule_states()  # idempotent
    remember_applied_events()
    copy_trackers_without_replay()


@contextmanager
def rasa_only() -> Iterator[None]:
    """Rasa's own methods for the duration: the reference."""
    saved = [(owner, name, getattr(owner, name)) for owner, name in PATCHED]
    for owner, name, method in saved:
        setattr(owner, name, getattr(method, "rasa", method))
    try:
        yield
    finally:
        for owner, name, method in saved:
            setattr(owner, name, method)


def predict(policy: RulePolicy, tracker: DialogueStateTracker, domain: Domain) -> tuple[PolicyPrediction, str]:
    return policy._predict(tracker, domain)


def assert_same_decision(policy: RulePolicy, tracker: DialogueStateTracker, domain: Domain) -> PolicyPrediction:
    with rasa_only():
        expected, expected_source = predict(policy, tracker, domain)
    got, source = predict(policy, tracker, domain)
    for field in ("probabilities", "policy_name", "policy_priority", "events", "optional_events"):
        assert getattr(got, field) == getattr(expected, field), field
    for field in ("is_end_to_end_prediction", "is_no_user_prediction", "hide_rule_turn", "action_metadata"):
        assert getattr(got, field) == getattr(expected, field), field
    if source != expected_source:  # a window that left states out: the key says so and matches no rule
        assert source.startswith(CUT_MARK) and expected_source not in policy.lookup.get(RULES_NOT_IN_STORIES, [])
    return got


def play(policy: RulePolicy, domain: Domain, seed: int, turns: int, script: list[str] | None = None) -> int:
    """A conversation of `turns` user messages (random intents, or `script`'s over and over);
    returns how many predictions were compared."""
    rng = random.Random(seed)
    intents = [i for i in domain.intents if not i.startswith("session_") and i not in ("restart", "back")]
    clock = [1_700_000_000.0]

    def now() -> float:
        clock[0] += 1
        return clock[0]

    tracker = DialogueStateTracker.from_events(
        "staff-7",
        [ActionExecuted("action_session_start", timestamp=now()), SessionStarted(timestamp=now())],
        domain.slots,
    )
    tracker.update(ActionExecuted("action_listen", timestamp=now()))
    compared = 0
    for turn in range(turns):
        entities = []
        if domain.entities and rng.random() < 0.3:
            entities = [{"entity": rng.choice(domain.entities), "value": "上海", "start": 0, "end": 2}]
        intent = script[turn % len(script)] if script else rng.choice(intents)
        tracker.update(UserUttered("消息", {"name": intent, "confidence": 0.9}, entities, timestamp=now()), domain)
        for _step in range(4):
            prediction = assert_same_decision(policy, tracker, domain)
            compared += 1
            action = domain.action_names_or_texts[prediction.max_confidence_index]
            tracker.update(ActionExecuted(action, policy=prediction.policy_name, timestamp=now()), domain)
            if action == "action_listen":
                break
            if action.endswith("_form"):
                if rng.random() < 0.5:
                    tracker.update(ActiveLoop(action, timestamp=now()))
                else:
                    tracker.update(ActiveLoop(None, timestamp=now()))
                    tracker.update(SlotSet("requested_slot", None, timestamp=now()))
            elif action == "action_deactivate_loop":
                tracker.update(ActiveLoop(None, timestamp=now()))
            elif action.startswith("action_") and domain.slots:
                slot = rng.choice(domain.slots)
                tracker.update(SlotSet(slot.name, rng.choice([True, False, "a", None]), timestamp=now()))
            if action.startswith("utter_") or action.startswith("action_answer"):
                tracker.update(BotUttered("回答", timestamp=now()))
        roll = rng.random()
        if roll < 0.03:
            tracker.update(UserUtteranceReverted(timestamp=now()))
        elif roll < 0.05:
            tracker.update(ActionReverted(timestamp=now()))
        elif roll < 0.06:
            tracker.update(Restarted(timestamp=now()))
        elif roll < 0.08:
            for event in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
                tracker.update(event)
        elif roll < 0.12 and any(slot.name == "vip" for slot in domain.slots):
            tracker.update(SlotSet("vip", rng.random() < 0.5, timestamp=now()))
        if rng.random() < 0.3:
            tracker = clone(tracker)  # the store's cache hands out its own copy at the next turn
        elif rng.random() < 0.05:
            tracker = DialogueStateTracker.from_dict("staff-7", [e.as_dict() for e in tracker.events], domain.slots)
    return compared


@pytest.mark.parametrize("seed", range(8))
def test_our_rules_decide_as_rasa_decides(ours, seed: int) -> None:
    policy, domain = ours
    assert play(policy, domain, seed, turns=60) >= 120


@pytest.mark.parametrize("seed", range(8))
def test_forms_long_rules_and_slots_decide_as_rasa_decides(rich, seed: int) -> None:
    policy, domain = rich
    assert window_size(policy) > 3
    assert play(policy, domain, seed, turns=60) >= 120


#: Intents that walk the rich domain's rules, the long ones included (the form's unhappy paths).
SCRIPTS = [
    ["greet", "greet", "ask", "stop", "affirm", "ask", "stop", "deny", "inform", "inform", "bye"],
    ["ask", "inform", "deny", "stop", "deny", "stop", "affirm", "greet", "inform", "deny", "ask", "stop"],
]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("script", SCRIPTS)
def test_the_rich_rules_walked_on_purpose_decide_as_rasa_decides(rich, seed: int, script: list[str]) -> None:
    policy, domain = rich
    assert play(policy, domain, seed, turns=50, script=script) >= 100


def test_the_window_is_as_long_as_the_longest_rule(ours, rich) -> None:
    """Counted independently: states of the longest rule as RulePolicy stores it (its lookup keys)."""
    import json

    for policy, _ in (ours, rich):
        longest = max(len(json.loads(key)) for key in policy.lookup["rules"])
        assert window_size(policy) == longest


def test_a_long_conversation_decides_as_rasa_decides_at_its_end(ours) -> None:
    policy, domain = ours
    assert play(policy, domain, seed=99, turns=400) >= 800


def test_the_window_is_the_end_of_rasas_states(rich) -> None:
    policy, domain = rich
    tracker = DialogueStateTracker.from_events("staff-7", [ActionExecuted("action_listen")], domain.slots)
    size = window_size(policy)
    for turn in range(30):
        tracker.update(UserUttered("hi", {"name": "greet" if turn % 2 else "ask"}))
        tracker.update(ActionExecuted("utter_greet"))
        tracker.update(SlotSet("vip", turn % 3 == 0))
        tracker.update(ActionExecuted("action_listen"))
        window = recent_states(tracker, domain, size)
        with rasa_only():
            full = tracker.past_states(domain)
        assert list(window) == full[-size:]
        assert window.cut == (len(full) > size)


def test_a_featurizer_with_a_max_history_keeps_rasas_way(rich) -> None:
    policy, domain = rich
    limited = copy.copy(policy)
    limited._Policy__featurizer = MaxHistoryTrackerFeaturizer(None, max_history=2)  # Rasa's private attribute
    tracker = DialogueStateTracker.from_events("staff-7", [ActionExecuted("action_listen"), UserUttered("hi")])
    states = limited._prediction_states(tracker, domain)
    assert not hasattr(states, "cut")
