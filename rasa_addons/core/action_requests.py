"""Send the action server the last few turns of a conversation, not every event of it.

Rasa 3.6 sends the whole tracker (`EventVerbosity.ALL`) with every action call, so the request
grows with the conversation (RasaHQ/rasa#6334): at turn 250 of one conversation, turning the
events into JSON was a fifth of the Rasa server's CPU and parsing them most of the action
server's. Our actions read the slots, the latest message (both sent in full, as before) and the
events of the current and the previous turn (`actions/feedback.py` looks for the answer the
rating is about), so the request carries the events from the `RECENT_USER_TURNS`-th last user
message on.

Usage (once, before Rasa handles messages):
    send_recent_events()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

RECENT_USER_TURNS = 5


def recent_events(events: Sequence[Event], user_turns: int) -> list[Event]:
    """The events from the `user_turns`-th last user message on; all of them if there are fewer."""
    if user_turns < 1:
        raise ValueError(f"user_turns must be at least 1, not {user_turns!r}")
    from rasa.shared.core.events import UserUttered

    events = list(events)  # a tracker's events are a deque, which does not slice
    seen = 0
    for position in range(len(events) - 1, -1, -1):
        if isinstance(events[position], UserUttered):
            seen += 1
            if seen == user_turns:
                return events[position:]
    return events


def send_recent_events(user_turns: int = RECENT_USER_TURNS) -> None:
    """Replace `RemoteAction._action_call_format`: Rasa's request, with the recent events only."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity

    if getattr(RemoteAction._action_call_format, "recent_events", False):
        return

    def call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)  # everything but the events, as Rasa sends it
        state["events"] = [event.as_dict() for event in recent_events(tracker.events, user_turns)]
        request = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            request["domain"] = domain.as_dict()
        return request

    call_format.recent_events = True  # type: ignore[attr-defined]
    RemoteAction._action_call_format = call_format  # type: ignore[method-assign]
