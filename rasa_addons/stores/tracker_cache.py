"""The conversations this Rasa server saved last, kept in memory until their next turn.

Rasa's SQL tracker store rebuilds a conversation for every message: it loads every event of the
session, parses their JSON and replays them into a new tracker, and the cost grows with the
length of the conversation (RasaHQ/rasa#6334). This cache keeps the tracker a turn ended with,
together with the id of the last event the database held for it after the save. At the next turn
the store asks the database only for that id: if it is unchanged, no other server has written to
the conversation and the kept tracker is exactly what a reload would build; otherwise the store
reloads as Rasa does.

A tracker is handed out once (`take` removes it): a turn that fails before saving cannot leave a
half-updated tracker behind.

Usage:
    cache = TrackerCache(capacity=500)
    cache.put(tracker, last_event_id=42)
    cache.take("staff-7", last_event_id=42)  # → the tracker, or None if the database moved on
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rasa.shared.core.trackers import DialogueStateTracker


class _Kept(NamedTuple):
    tracker: DialogueStateTracker
    last_event_id: int


class TrackerCache:
    """Least recently saved conversations beyond `capacity` are dropped (they reload on demand)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 0:
            raise ValueError(f"cached_conversations must be 0 or more, not {capacity!r}")
        self.capacity = capacity
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, sender_id: object) -> bool:
        return sender_id in self._kept

    def put(self, tracker: DialogueStateTracker, last_event_id: int) -> None:
        if self.capacity == 0:
            return
        self._kept.pop(tracker.sender_id, None)
        self._kept[tracker.sender_id] = _Kept(tracker, last_event_id)
        while len(self._kept) > self.capacity:
            self._kept.popitem(last=False)

    def take(self, sender_id: str, last_event_id: int | None) -> DialogueStateTracker | None:
        """The kept tracker if the database's last event for `sender_id` is still `last_event_id`."""
        kept = self._kept.pop(sender_id, None)
        if kept is None or kept.last_event_id != last_event_id:
            return None
        return kept.tracker

    def drop(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)
