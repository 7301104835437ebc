"""What Rasa documents of its SQL tracker store, checked on Rasa's store and on ours alike.

Each behaviour runs against Rasa's `SQLTrackerStore` too, so the tests say what Rasa does, not
what ours happens to do; and against an SQLite file and an in-memory SQLite database (`sqlite://`,
what Rasa's own tests use). From Rasa's documentation and docstrings (rasa/core/tracker_store.py):

- events come back ordered by their id, i.e. in the order they were saved ("As `timestamp` is not
  guaranteed to be unique and low-precision (float), it cannot be used to order the events");
- `retrieve` returns the latest conversation session only (the events from the timestamp of the
  last `SessionStarted` on), `retrieve_full_tracker` the events of all sessions;
- `save` stores the events not yet stored, once each;
- `keys` lists the conversations, `exists` tells whether one is stored, `get_or_create_tracker`
  starts an unknown one with `action_listen`;
- a tracker is built anew from the database for every retrieve: a change made to a tracker after
  saving it, or to a retrieved tracker, is not in the next retrieve.
"""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.stores.tracker import StrictSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, ask_definition]
slots:
  topic: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: 您好}]
"""
)
Store = Callable[[], SQLTrackerStore]


@pytest.fixture(params=["rasa-file", "rasa-memory", "ours-file", "ours-memory"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """A factory of stores on one database (an in-memory one is one store's own)."""
    cls = StrictSQLTrackerStore if request.param.startswith("ours") else SQLTrackerStore
    if request.param.endswith("memory"):
        store = cls(domain=DOMAIN, dialect="sqlite", db="")
        assert store.engine.url.database in ("", None)  # sqlite:/// is SQLAlchemy's in-memory database
        return lambda: store
    return lambda: cls(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


def session(start: float, *texts: str) -> list[Event]:
    """A session as Rasa starts one, then a user message and a reply per text."""
    events: list[Event] = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start),
        ActionExecuted("action_listen", timestamp=start),
    ]
    for n, text in enumerate(texts, 1):
        events += [
            UserUttered(text, {"name": "ask_definition"}, timestamp=start + n),
            ActionExecuted("utter_greet", timestamp=start + n),
            BotUttered("您好", timestamp=start + n),
            ActionExecuted("action_listen", timestamp=start + n),
        ]
    return events


def dicts(tracker: DialogueStateTracker | None) -> list[dict]:
    assert tracker is not None
    return [event.as_dict() for event in tracker.events]


def test_events_come_back_in_the_order_they_were_saved(make_store: Store) -> None:
    events = [
        ActionExecuted("action_listen", timestamp=5.0),
        UserUttered("第一句", timestamp=3.0),  # clocks of several servers disagree
        ActionExecuted("utter_greet", timestamp=3.0),
        UserUttered("第二句", timestamp=1.0),
    ]
    tracker = DialogueStateTracker.from_events("staff-7", events, DOMAIN.slots)
    run(make_store().save(tracker))
    assert dicts(run(make_store().retrieve("staff-7"))) == [e.as_dict() for e in events]


def test_retrieve_holds_the_latest_session_and_the_full_tracker_every_session(make_store: Store) -> None:
    first, second = session(100.0, "什么是移情服务", "举个例子"), session(5000.0, "那酒店呢")
    run(make_store().save(DialogueStateTracker.from_events("staff-7", first + second, DOMAIN.slots)))
    store = make_store()
    latest = run(store.retrieve("staff-7"))
    # from the last SessionStarted's timestamp on, so with the action_session_start of that time
    assert dicts(latest) == [e.as_dict() for e in second]
    assert dicts(run(store.retrieve_full_tracker("staff-7"))) == [e.as_dict() for e in first + second]


def test_a_tracker_of_the_latest_session_grows_by_its_new_events_only(make_store: Store) -> None:
    first, second = session(100.0, "什么是移情服务"), session(5000.0, "那酒店呢")
    run(make_store().save(DialogueStateTracker.from_events("staff-7", first + second, DOMAIN.slots)))
    store = make_store()
    tracker = run(store.retrieve("staff-7"))
    new = [UserUttered("第二个呢", timestamp=5100.0), ActionExecuted("action_listen", timestamp=5100.0)]
    for event in new:
        tracker.update(event)
    run(store.save(tracker))
    run(store.save(tracker))  # saving again adds nothing
    full = run(make_store().retrieve_full_tracker("staff-7"))
    assert dicts(full) == [e.as_dict() for e in first + second + new]


def test_keys_exists_and_new_conversations(make_store: Store) -> None:
    store = make_store()
    for sender in ("staff-7", "staff-8"):
        run(store.save(DialogueStateTracker.from_events(sender, session(1.0, "你好"), DOMAIN.slots)))
    assert sorted(run(store.keys())) == ["staff-7", "staff-8"]
    assert run(store.exists("staff-7")) and not run(store.exists("nobody"))
    assert run(store.retrieve("nobody")) is None
    created = run(store.get_or_create_tracker("staff-9"))
    assert [e.as_dict()["event"] for e in created.events] == ["action"]
    assert created.events[0].action_name == "action_listen"


def test_changes_after_saving_are_not_retrieved(make_store: Store) -> None:
    store = make_store()
    tracker = DialogueStateTracker.from_events("staff-7", session(1.0, "什么是移情服务"), DOMAIN.slots)
    run(store.save(tracker))
    saved = dicts(tracker)
    tracker.update(SlotSet("topic", "empathy-service"))  # after the save, not saved
    tracker.update(UserUttered("没有保存的消息"))
    retrieved = run(store.retrieve("staff-7"))
    assert retrieved is not tracker
    assert dicts(retrieved) == saved
    assert retrieved.get_slot("topic") is None


def test_a_retrieved_tracker_changed_by_its_caller_is_not_retrieved_again(make_store: Store) -> None:
    store = make_store()
    run(store.save(DialogueStateTracker.from_events("staff-7", session(1.0, "什么是移情服务"), DOMAIN.slots)))
    first = run(store.retrieve("staff-7"))
    stored = dicts(first)
    first.update(UserUttered("没有保存的消息"))
    first.update(SlotSet("topic", "changed"))
    second = run(store.retrieve("staff-7"))
    assert second is not first
    assert dicts(second) == stored
    assert second.get_slot("topic") is None


def test_two_retrieves_without_a_save_give_two_trackers(make_store: Store) -> None:
    store = make_store()
    tracker = DialogueStateTracker.from_events("staff-7", session(1.0, "你好"), DOMAIN.slots)
    run(store.save(tracker))
    first, second = run(store.retrieve("staff-7")), run(store.retrieve("staff-7"))
    assert first is not second and first is not tracker
    assert dicts(first) == dicts(second) == dicts(tracker)


def test_our_database_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "rasa" / "tracker.db"
    store = StrictSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    run(store.save(DialogueStateTracker.from_events("staff-7", session(1.0, "你好"), DOMAIN.slots)))
    for path in db.parent.iterdir():  # tracker.db and its -wal and -shm files
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    db.chmod(0o644)  # made by an older version
    StrictSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db))
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_a_restart_within_the_session_is_where_it_was_after_a_retrieve(make_store: Store) -> None:
    from rasa.shared.core.events import Restarted

    store = make_store()
    tracker = run(store.get_or_create_tracker("staff-7"))
    for n in range(4):
        tracker.update(ActionExecuted("action_listen", timestamp=10.0 + n))
    tracker.update(Restarted(timestamp=20.0))
    tracker.update(UserUttered("重新开始", timestamp=21.0))
    run(store.save(tracker))
    for retrieved in (run(store.retrieve("staff-7")), run(make_store().retrieve("staff-7"))):
        assert retrieved.idx_after_latest_restart() == tracker.idx_after_latest_restart()
        assert retrieved.applied_events() == tracker.applied_events()
