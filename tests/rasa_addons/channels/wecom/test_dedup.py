"""De-duplication of WeCom's retried callbacks."""

import pytest

from rasa_addons.channels.wecom.dedup import SeenMessages
from tests.clocks import SecondsClock


def test_a_retry_is_seen_once():
    seen = SeenMessages()
    assert seen.first_time("msg:1")
    assert not seen.first_time("msg:1")
    assert not seen.first_time("msg:1")
    assert seen.first_time("msg:2")


def test_keys_expire_after_the_ttl():
    clock = SecondsClock()
    seen = SeenMessages(ttl_seconds=60, clock=clock)
    seen.first_time("msg:1")
    clock.now = 59
    assert not seen.first_time("msg:1")
    clock.now = 61
    assert seen.first_time("msg:1")


def test_memory_is_bounded():
    seen = SeenMessages(max_entries=3)
    for i in range(5):
        seen.first_time(f"msg:{i}")
    assert seen.first_time("msg:0")  # evicted, the oldest
    assert not seen.first_time("msg:4")


@pytest.mark.parametrize("kwargs", [{"ttl_seconds": 0}, {"max_entries": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        SeenMessages(**kwargs)


def test_the_shared_database_record_expires_and_is_pruned(tmp_path):
    import sqlalchemy as sa

    from rasa_addons.channels.wecom.dedup import SQLSeen

    clock = SecondsClock()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'seen.db'}")
    first, second = SQLSeen(engine, ttl_seconds=60, clock=clock), SQLSeen(engine, ttl_seconds=60, clock=clock)
    assert first.first_time("ww1:msg:1") and not second.first_time("ww1:msg:1")
    clock.now = 61.0
    assert second.first_time("ww1:msg:1")  # expired: new again, once
    assert not first.first_time("ww1:msg:1")
    first.PRUNE_EVERY = 2
    clock.now = 500.0
    first.first_time("ww1:msg:2")
    with engine.connect() as db:
        assert [row[0] for row in db.execute(sa.text("SELECT key FROM wecom_callbacks"))] == ["ww1:msg:2"]


def test_the_shared_store_comes_from_the_agents_stores():
    from types import SimpleNamespace

    import sqlalchemy as sa

    from rasa_addons.channels.wecom.dedup import RedisSeen, SQLSeen, shared_seen

    red = object()
    assert isinstance(shared_seen(SimpleNamespace(lock_store=SimpleNamespace(red=red))), RedisSeen)
    engine = sa.create_engine("sqlite://")
    wrapped = SimpleNamespace(_tracker_store=SimpleNamespace(engine=engine))  # as in Rasa's FailSafeTrackerStore
    assert isinstance(shared_seen(SimpleNamespace(lock_store=None, tracker_store=wrapped)), SQLSeen)
    assert shared_seen(SimpleNamespace(lock_store=None, tracker_store=None)) is None
