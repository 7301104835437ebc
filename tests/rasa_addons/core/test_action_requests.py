"""The action server gets Rasa's request with the events of the last turns only."""

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.core.action_requests import recent_events, send_recent_events

# Rasa 3.6 warns about slot auto-fill for any domain with slots.
pytestmark = pytest.mark.filterwarnings("ignore:Slot auto-fill")

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask_definition, feedback_positive]
slots:
  topic:
    type: any
    mappings: [{type: custom}]
actions: [action_answer_knowledge, action_record_feedback]
session_config: {session_expiration_time: 60, carry_over_slots_to_new_session: false}
"""
)


def conversation(turns: int) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    for n in range(turns):
        events += [
            UserUttered(f"问题{n}", {"name": "ask_definition", "confidence": 0.9}),
            ActionExecuted("action_answer_knowledge"),
            BotUttered(f"回答{n}"),
            SlotSet("topic", f"条目{n}"),
            ActionExecuted("action_listen"),
        ]
    return DialogueStateTracker.from_events("staff-7", events, DOMAIN.slots)


@pytest.fixture
def formats(monkeypatch: pytest.MonkeyPatch) -> tuple:
    """(Rasa's own request format, ours)."""
    rasa_format = RemoteAction._action_call_format
    monkeypatch.setattr(RemoteAction, "_action_call_format", rasa_format)
    send_recent_events(user_turns=3)
    send_recent_events(user_turns=3)  # idempotent
    return rasa_format, RemoteAction._action_call_format


def test_recent_events_start_at_the_nth_last_user_message() -> None:
    events = list(conversation(10).events)
    recent = recent_events(events, 3)
    assert [e.text for e in recent if isinstance(e, UserUttered)] == ["问题7", "问题8", "问题9"]
    assert isinstance(recent[0], UserUttered)
    assert recent_events(events[:3], 3) == events[:3]
    with pytest.raises(ValueError, match="at least 1"):
        recent_events(events, 0)


def test_a_short_conversation_is_sent_exactly_as_rasa_sends_it(formats: tuple) -> None:
    rasa_format, ours = formats
    action = RemoteAction("action_answer_knowledge", EndpointConfig("http://localhost:5055/webhook"))
    tracker = conversation(2)
    assert ours(action, tracker, DOMAIN) == rasa_format(action, tracker, DOMAIN)


def test_a_long_conversation_sends_the_last_turns_with_all_else_unchanged(formats: tuple) -> None:
    rasa_format, ours = formats
    action = RemoteAction("action_record_feedback", EndpointConfig("http://localhost:5055/webhook"))
    tracker = conversation(200)
    full, sent = rasa_format(action, tracker, DOMAIN), ours(action, tracker, DOMAIN)
    assert [e["text"] for e in sent["tracker"]["events"] if e["event"] == "user"] == ["问题197", "问题198", "问题199"]
    assert sent["tracker"]["events"] == full["tracker"]["events"][-len(sent["tracker"]["events"]) :]
    del full["tracker"]["events"], sent["tracker"]["events"]
    assert sent == full
    assert sent["tracker"]["slots"]["topic"] == "条目199"
