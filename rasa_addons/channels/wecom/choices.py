"""A reply of just a number picks that button of the bot's last turn, read from the conversation.

WeCom shows buttons as a numbered list (text.compose). The buttons a number refers to are those of
the bot's messages since the user's previous message, as the tracker store recorded them: the
conversation's own record, which every Rasa server behind the callback URL shares and a restart
keeps. (A list kept in the answering process's memory would be missing, or stale, whenever the
previous turn was answered by another server.) Only a message that is a bare number reads the
tracker.

Usage:
    await picked(agent.tracker_store, "u1", "2")  # → "/ask_parts", or "2" if there is no 2nd button
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rasa.shared.core.events import BotUttered, Event, UserUttered

from rasa_addons.channels.wecom.text import choice, compose, number

if TYPE_CHECKING:
    from rasa.core.tracker_store import TrackerStore


def last_turn_buttons(events: Iterable[Event]) -> list[dict]:
    """The buttons of the bot's messages after the last user message, numbered as WeCom showed them."""
    messages: list[dict] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            messages.append({**event.data, "text": event.text})
    return compose(reversed(messages))[1]


async def picked(store: TrackerStore | None, user: str, text: str) -> str:
    """The payload of the button `user` picked by number, else `text` as typed."""
    if store is None or number(text) is None:
        return text
    tracker = await store.retrieve(user)
    if tracker is None:
        return text
    return choice(text, last_turn_buttons(tracker.events)) or text
