"""Per-user memory of the last numbered buttons."""

import pytest

from rasa_addons.channels.wecom.choices import LastChoices

BUTTONS = [{"title": "移情服务为什么重要", "payload": "/why"}, {"title": "移情服务有哪些要素", "payload": "/parts"}]


def test_number_picks_this_users_button():
    last = LastChoices()
    last.remember("u1", BUTTONS)
    assert last.resolve("u1", "2") == "/parts"
    assert last.resolve("u2", "2") == "2"  # another user saw no list
    assert last.resolve("u1", "什么是移情服务") == "什么是移情服务"


def test_a_turn_without_buttons_forgets_the_list():
    last = LastChoices()
    last.remember("u1", BUTTONS)
    last.remember("u1", [])
    assert last.resolve("u1", "1") == "1"


def test_memory_is_bounded_to_the_most_recent_users():
    last = LastChoices(max_users=2)
    for user in ("a", "b", "c"):
        last.remember(user, BUTTONS)
    assert last.resolve("a", "1") == "1"
    assert last.resolve("c", "1") == "/why"


def test_bad_size_is_refused():
    with pytest.raises(ValueError):
        LastChoices(max_users=0)
