"""RulePolicy featurizes only the dialogue states its rules can look at, each state once.

Rasa 3.6's RulePolicy, for every prediction (twice: text, then intent), replays the whole session
into a new tracker and builds the dialogue state before every action of it
(`tracker.past_states`), then walks all those states to match its rules, formats them all for a
debug log line and serialises them all into a key. At turn 1,000 of one conversation that was two
thirds of the Rasa server's CPU (py-spy), and a turn took ten times as long as the first one.

Yet a rule only looks back as far as it is long: `RulePolicy._is_rule_applicable` accepts every
state further back than the rule's own length. So the states before the last `n` (the longest
rule of the trained policy) cannot change which rules apply. And a state, once the user has spoken
after it, never changes again. So:

- `recent_states` keeps, on the tracker, Rasa's replay up to the latest user message with the
  last `n` states before it, and continues the replay from there (Rasa's own `update` and
  `get_active_state` on Rasa's own events), giving the same last `n` states as Rasa's full replay;
- the patched `RulePolicy._prediction_states` returns those `n` states, post-processed by Rasa's
  featurizer as before (`_choose_last_user_input`);
- where no rule applies, Rasa uses the key of all states as the prediction source; for a window
  that left states out, that key gets a mark, so it can never equal a rule's key (a whole history
  longer than every rule never does either): `hide_rule_turn` stays what it was.

The kept replay is checked against the tracker's applied events (`Prefix`), so a tracker
that was reverted, restarted or rebuilt from the database starts a new replay. The replay keeps
only its last event: a state is made of the latest message, action, slots and loop, never of past
events. (The one event whose `apply_to` reads a tracker's events, `StoryExported` of interactive
learning, would export that short history; Rasa's replay exports the file again at every
prediction.) Predictions, states and
sources are compared with Rasa's own RulePolicy in `tests/rasa_addons/core/test_rule_window.py`.

Usage (once, before Rasa handles messages):
    featurize_recent_rule_states()
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasa_addons.core.applied_events import Prefix
from rasa_addons.core.tracker_copy import clone

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain, State
    from rasa.shared.core.trackers import DialogueStateTracker

#: The attribute of a tracker that keeps its replay for RulePolicy.
MEMO = "_rule_states_memo"
#: Put in front of the key of a window that left states out: no rule key starts with it.
CUT_MARK = "…"


@dataclass(frozen=True)
class Replay:
    """Rasa's replay of a tracker's applied events up to (not including) its last user message."""

    domain: Domain
    applied: Prefix  # the applied events replayed into `tracker`
    tracker: DialogueStateTracker  # the prior tracker after them; never changed once kept
    states: tuple[State, ...]  # the last states before it (at most the window size)
    count: int  # how many states there were before it in all


class Window(list):
    """The last states of a conversation; `cut` if earlier ones were left out."""

    cut: bool = False


def recent_states(tracker: DialogueStateTracker, domain: Domain, size: int) -> Window:
    """The last `size` states of `tracker.past_states(domain)`, without replaying the whole session."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    if size < 1:
        raise ValueError(f"size must be at least 1, not {size!r}")
    applied = tracker.applied_events()
    kept: Replay | None = tracker.__dict__.get(MEMO)
    if kept is not None and kept.domain is domain and kept.applied.found_in(applied):
        replay, states, count, start = clone(kept.tracker), list(kept.states), kept.count, kept.applied.count
    else:
        replay, states, count, start = tracker.init_copy(), [], 0, 0
        # A state reads the latest message, action, slots and loop, never the past events: the
        # replay keeps only the last one, so that taking it up again costs nothing.
        replay._max_event_history = 1
        replay.events = deque(maxlen=1)
    # The states before the last user message are final: the replay up to it is worth keeping.
    last_user = next((i for i in range(len(applied) - 1, start, -1) if isinstance(applied[i], UserUttered)), None)
    for position in range(start, len(applied)):
        event = applied[position]
        if position == last_user:
            kept_states = tuple(copy.deepcopy(states))
            tracker.__dict__[MEMO] = Replay(domain, Prefix.of(applied[:position]), clone(replay), kept_states, count)
        if isinstance(event, ActionExecuted):
            states.append(domain.get_active_state(replay))
            count += 1
            del states[:-size]
        replay.update(event)
    states.append(domain.get_active_state(replay))
    window = Window(copy.deepcopy(states[-size:]))
    window.cut = count + 1 > size
    return window


def window_size(policy: Any) -> int:
    """How many states the longest rule of a trained RulePolicy looks at (at least 1)."""
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH

    size = policy.__dict__.get("_rule_window_size")
    if size is None:
        keys = [key for part in (RULES, RULES_FOR_LOOP_UNHAPPY_PATH) for key in policy.lookup.get(part, {})]
        size = max((len(policy._rule_key_to_state(key)) for key in keys), default=1)
        policy.__dict__["_rule_window_size"] = size
    return size


def featurize_recent_rule_states() -> None:
    """Replace RulePolicy's `_prediction_states` and `_create_feature_key` (see the module docstring)."""
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.generator import TrackerWithCachedStates

    if getattr(RulePolicy._prediction_states, "recent_only", False):
        return
    rasa_states = RulePolicy._prediction_states
    rasa_key = RulePolicy._create_feature_key

    def prediction_states(
        self: RulePolicy,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        featurizer = self.featurizer
        if (
            type(featurizer) is not MaxHistoryTrackerFeaturizer
            or featurizer.max_history is not None
            or isinstance(tracker, TrackerWithCachedStates)  # training data: Rasa's way
        ):
            return rasa_states(self, tracker, domain, use_text_for_last_user_input, rule_only_data)
        states = recent_states(tracker, domain, window_size(self))
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def create_feature_key(self: RulePolicy, states: list[State]) -> str | None:
        key = rasa_key(self, states)
        return CUT_MARK + key if key is not None and getattr(states, "cut", False) else key

    prediction_states.recent_only = True  # type: ignore[attr-defined]
    prediction_states.rasa = rasa_states  # type: ignore[attr-defined]  # for the tests
    create_feature_key.rasa = rasa_key  # type: ignore[attr-defined]
    RulePolicy._prediction_states = prediction_states  # type: ignore[method-assign,assignment]
    RulePolicy._create_feature_key = create_feature_key  # type: ignore[method-assign]
