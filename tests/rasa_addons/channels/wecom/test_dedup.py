"""De-duplication of WeCom's retried callbacks."""

import pytest

from rasa_addons.channels.wecom.dedup import SeenMessages


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_retry_is_seen_once():
    seen = SeenMessages()
    assert seen.first_time("msg:1")
    assert not seen.first_time("msg:1")
    assert not seen.first_time("msg:1")
    assert seen.first_time("msg:2")


def test_keys_expire_after_the_ttl():
    clock = Clock()
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
