"""Each user's last numbered buttons, so that a reply of "2" sends the second button's payload.

The state lives in this process's memory, bounded to the most recent users, and is lost on a
restart (a user then types the question instead of the number). With several Rasa servers behind
one callback URL, a user's number may reach a server that did not show the list: route users
sticky to one server, or keep this in a shared store.

Usage:
    last = LastChoices(max_users=1000)
    last.remember("u1", [{"title": "移情服务", "payload": "/ask"}])
    last.resolve("u1", "1"), last.resolve("u1", "什么是移情服务")  # → ('/ask', '什么是移情服务')
"""

from __future__ import annotations

from collections import OrderedDict

from rasa_addons.channels.wecom.text import choice


class LastChoices:
    def __init__(self, max_users: int = 10_000) -> None:
        if max_users < 1:
            raise ValueError("max_users must be at least 1")
        self._max = max_users
        self._buttons: OrderedDict[str, list[dict]] = OrderedDict()

    def remember(self, user: str, buttons: list[dict]) -> None:
        """The buttons of the user's latest turn; a turn without buttons forgets the old ones."""
        self._buttons.pop(user, None)
        if buttons:
            self._buttons[user] = list(buttons)
            if len(self._buttons) > self._max:
                self._buttons.popitem(last=False)

    def resolve(self, user: str, text: str) -> str:
        """The payload the user picked by number, or their text as typed."""
        return choice(text, self._buttons.get(user, [])) or text
