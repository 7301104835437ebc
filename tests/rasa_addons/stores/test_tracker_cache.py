"""The tracker cache hands a conversation out once, only while the database has not moved on."""

import pytest
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.tracker_cache import TrackerCache


def tracker(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker(sender, [])


def test_kept_tracker_is_handed_out_once_when_the_database_is_unchanged() -> None:
    cache = TrackerCache(10)
    kept = tracker("a")
    cache.put(kept, 7)
    assert "a" in cache and "b" not in cache
    assert cache.take("a", 7) is kept
    assert cache.take("a", 7) is None
    assert "a" not in cache


def test_a_newer_event_in_the_database_means_reload() -> None:
    cache = TrackerCache(10)
    cache.put(tracker("a"), 7)
    assert cache.take("a", 9) is None
    assert len(cache) == 0


def test_least_recently_saved_conversations_go_first() -> None:
    cache = TrackerCache(2)
    for sender in "abc":
        cache.put(tracker(sender), 1)
    cache.put(tracker("b"), 2)
    cache.put(tracker("d"), 1)
    assert cache.take("a", 1) is None
    assert cache.take("c", 1) is None
    assert cache.take("b", 2) is not None
    assert cache.take("d", 1) is not None


def test_capacity_zero_keeps_nothing_and_negative_is_refused() -> None:
    cache = TrackerCache(0)
    cache.put(tracker("a"), 1)
    assert cache.take("a", 1) is None
    with pytest.raises(ValueError, match="cached_conversations"):
        TrackerCache(-1)
