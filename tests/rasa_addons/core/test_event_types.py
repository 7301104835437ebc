"""Remembered event classes are the ones Rasa's own lookup finds; unknown names behave as in Rasa."""

import pytest
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from rasa_addons.core.event_types import remember_event_types

RASA_RESOLVE = Event.resolve_by_type


@pytest.fixture(autouse=True)
def remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", Event.resolve_by_type)
    remember_event_types()
    remember_event_types()  # idempotent


def test_every_event_type_resolves_to_rasas_class_twice() -> None:
    # A subclass may share its parent's type name (rasa.core.test.EndToEndUserUtterance is a
    # "user" event too, once imported); the class found is then whichever Rasa finds.
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is RASA_RESOLVE(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is RASA_RESOLVE(cls.type_name)


def test_events_deserialise_as_before() -> None:
    assert Event.from_parameters({"event": "slot", "name": "topic", "value": "x"}) == SlotSet("topic", "x")
    assert isinstance(
        Event.from_parameters({"event": "user", "text": "你好", "parse_data": {"intent": {"name": "greet"}}}),
        UserUttered,
    )


def test_unknown_names_keep_rasas_answers() -> None:
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
