"""The strict tracker store on a real SQLite file: it keeps conversations, and when the database
breaks it fails the turn through Rasa's FailSafeTrackerStore instead of pretending the
conversation is new."""

import asyncio
import logging
from pathlib import Path

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
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


# --- the kept tracker and the stored counts -------------------------------------------------


def turn(store: StrictSQLTrackerStore, sender: str, *events: Event) -> DialogueStateTracker:
    """One turn the way Rasa's processor runs it: load (or create), append, save."""
    loaded = asyncio.run(store.get_or_create_tracker(sender))
    for event in events:
        loaded.update(event)
    asyncio.run(store.save(loaded))
    return loaded


def stored(db: Path, sender: str = "staff-7") -> list[dict]:
    """The conversation as a new server on the same database loads it."""
    fresh = asyncio.run(StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db)).retrieve(sender))
    return [event.as_dict() for event in fresh.events] if fresh else []


def rows(store: StrictSQLTrackerStore) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).count()


def test_every_event_is_stored_once_over_many_turns(db: Path) -> None:
    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    for text in ["什么是移情服务", "举个例子", "那酒店呢"]:
        last = turn(store, "staff-7", UserUttered(text), ActionExecuted("action_answer_knowledge"))
    assert rows(store) == len(last.events)
    assert stored(db) == [event.as_dict() for event in last.events]


def test_the_next_turn_continues_the_tracker_the_last_one_saved(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    loads = []
    rasa_retrieve = SQLTrackerStore._retrieve
    monkeypatch.setattr(
        SQLTrackerStore, "_retrieve", lambda self, *a, **k: loads.append(a) or rasa_retrieve(self, *a, **k)
    )
    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    saved = turn(store, "staff-7", UserUttered("什么是移情服务"))
    loads.clear()
    kept = asyncio.run(store.retrieve("staff-7"))
    assert not loads  # from memory, not the database
    assert kept is not saved and kept.events == saved.events  # a copy taken at the save
    again = asyncio.run(store.retrieve("staff-7"))
    assert loads and again is not kept  # handed out once: a failed turn leaves nothing behind


def test_a_turn_on_another_server_is_seen_by_this_one(db: Path) -> None:
    first = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    second = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    turn(first, "staff-7", UserUttered("什么是移情服务"))
    turn(second, "staff-7", UserUttered("举个例子"))
    third = turn(first, "staff-7", UserUttered("那酒店呢"))
    texts = [e.text for e in third.events if isinstance(e, UserUttered)]
    assert texts == ["什么是移情服务", "举个例子", "那酒店呢"]
    assert stored(db) == [event.as_dict() for event in third.events]
    assert rows(first) == len(third.events)


def test_a_session_started_within_a_turn_is_reloaded_as_the_new_session(db: Path) -> None:
    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    turn(store, "staff-7", SessionStarted(timestamp=1.0), UserUttered("什么是移情服务", timestamp=2.0))
    turn(
        store,
        "staff-7",
        ActionExecuted("action_session_start", timestamp=3.0),
        SessionStarted(timestamp=4.0),
        UserUttered("举个例子", timestamp=5.0),
    )
    again = asyncio.run(store.retrieve("staff-7"))
    assert [e.as_dict() for e in again.events] == stored(db)
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["举个例子"]


def test_a_tracker_from_elsewhere_is_stored_as_rasa_does_and_then_reloaded(db: Path) -> None:
    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    turn(store, "staff-7", UserUttered("什么是移情服务"))
    replacement = tracker("另一段对话", "第二句", "第三句")  # e.g. PUT /conversations/<id>/tracker/events
    asyncio.run(store.save(replacement))
    assert [e.as_dict() for e in asyncio.run(store.retrieve("staff-7")).events] == stored(db)


def test_sqlite_writes_ahead(db: Path) -> None:
    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_rows_are_the_ones_rasas_own_store_writes(tmp_path: Path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    ours = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db"))
    turns = [
        (UserUttered("什么是移情服务", {"name": "ask_definition", "confidence": 0.9}, timestamp=1.0),),
        (ActionExecuted("action_answer_knowledge", timestamp=2.0), ActionExecuted("action_listen", timestamp=3.0)),
        (UserUttered("举个例子", {"name": "ask_example", "confidence": 0.8}, timestamp=4.0),),
    ]
    for events in turns:
        for store in (ours, rasas):
            turn(store, "staff-7", *events)

    def table(store: SQLTrackerStore) -> list[tuple]:
        """The rows, but for the clock time of the action_listen a new conversation starts with."""
        with store.session_scope() as session:
            rows = session.query(store.SQLEvent).order_by(store.SQLEvent.id).all()
            return [
                (e.sender_id, e.type_name, e.intent_name, e.action_name, e.data if e.timestamp < 10 else e.type_name)
                for e in rows
            ]

    assert len(table(ours)) == 5  # action_listen of the new conversation + 4
    assert table(ours) == table(rasas)


def test_a_turn_that_could_not_be_saved_is_not_what_the_next_turn_continues(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the save fails (the guard then tells the user); the next turn starts from what
    the database holds, not from the tracker of the lost turn."""
    import sqlalchemy.exc

    store = StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(db))
    turn(store, "staff-7", UserUttered("什么是移情服务"), ActionExecuted("action_answer_knowledge"))

    def disk_full(*_: object) -> None:
        raise sqlalchemy.exc.OperationalError("INSERT INTO events", {}, Exception("database or disk is full"))

    monkeypatch.setattr(store, "_append", disk_full)
    lost = asyncio.run(store.get_or_create_tracker("staff-7"))
    lost.update(UserUttered("客户情绪管理有哪些策略"))
    with pytest.raises(TrackerStoreUnavailable):
        asyncio.run(store.save(lost))
    monkeypatch.undo()
    following = asyncio.run(store.retrieve("staff-7"))
    assert [e.text for e in following.events if isinstance(e, UserUttered)] == ["什么是移情服务"]
