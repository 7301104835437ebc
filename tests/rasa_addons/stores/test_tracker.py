"""The strict tracker store on a real SQLite file: it keeps conversations, and when the database
breaks it fails the turn through Rasa's FailSafeTrackerStore instead of pretending the
conversation is new."""

import asyncio
import logging
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.errors import TrackerStoreUnavailable
from rasa_addons.stores.tracker import StrictSQLTrackerStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def make_store(db: Path) -> FailSafeTrackerStore:
    """Wrapped the way Rasa's Agent wraps every tracker store."""
    return FailSafeTrackerStore(StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db)))


def tracker(*texts: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("staff-7", [SessionStarted(), *(UserUttered(t) for t in texts)])


def test_conversation_survives_a_new_store_on_the_same_database(db: Path) -> None:
    asyncio.run(make_store(db).save(tracker("什么是移情服务")))
    restored = asyncio.run(make_store(db).retrieve("staff-7"))
    assert restored is not None
    assert [e.text for e in restored.events if isinstance(e, UserUttered)] == ["什么是移情服务"]


def test_broken_database_fails_the_turn_instead_of_an_empty_conversation(
    db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = make_store(db)
    asyncio.run(store.save(tracker("什么是移情服务")))
    store._tracker_store.engine.dispose()
    db.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING), pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.retrieve("staff-7"))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.save(tracker("什么是移情服务", "举个例子")))
    assert "unavailable: retrieve failed twice" in caplog.text
    assert "Falling back" not in caplog.text
