"""A bare number picks a button of the bot's last turn, as the conversation's tracker recorded it."""

import asyncio

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.channels.wecom.choices import last_turn_buttons, picked

WHY = {"title": "移情服务为什么重要", "payload": "/why"}
PARTS = {"title": "移情服务有哪些要素", "payload": "/parts"}
GOOD, BAD = {"title": "👍", "payload": "/feedback_positive"}, {"title": "👎", "payload": "/feedback_negative"}


def events(*turns: list) -> list:
    """Each turn: the user's text, then the bot's messages as (text, buttons)."""
    out = [ActionExecuted("action_listen")]
    for user, *bot in turns:
        out.append(UserUttered(user))
        out += [BotUttered(text, {"buttons": buttons}) for text, buttons in bot]
        out.append(ActionExecuted("action_listen"))
    return out


def test_buttons_of_all_messages_of_the_last_turn_in_order() -> None:
    history = events(
        ["什么是KANO", ("KANO模型……", [WHY])],
        ["什么是移情服务", ("移情服务……", []), ("您可能还想问：", [WHY, PARTS]), ("有帮助吗？", [GOOD, BAD])],
    )
    assert last_turn_buttons(history) == [WHY, PARTS, GOOD, BAD]


def test_a_last_turn_without_buttons_offers_none() -> None:
    assert last_turn_buttons(events(["你好", ("您好", [WHY])], ["谢谢", ("不客气", [])])) == []
    assert last_turn_buttons([]) == []


def store_with(*turns: list) -> InMemoryTrackerStore:
    store = InMemoryTrackerStore(Domain.empty())
    asyncio.run(store.save(DialogueStateTracker.from_events("u1", events(*turns))))
    return store


def test_a_number_picks_from_the_stored_conversation() -> None:
    store = store_with(["什么是移情服务", ("移情服务……", [WHY, PARTS])])
    assert asyncio.run(picked(store, "u1", "2")) == "/parts"
    assert asyncio.run(picked(store, "u1", " 1。")) == "/why"
    assert asyncio.run(picked(store, "u1", "3")) == "3"  # no third button: the text as typed
    assert asyncio.run(picked(store, "u1", "举个例子")) == "举个例子"
    assert asyncio.run(picked(store, "u2", "1")) == "1"  # another user saw no list
    assert asyncio.run(picked(None, "u1", "1")) == "1"
