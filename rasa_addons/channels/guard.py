"""A guard around any Rasa input channel: every message gets a reply, and bad input a polite one.

- empty or whitespace-only message: ask for a question, without running the bot;
- message over MAX_MESSAGE_CHARS: ask to shorten it (nothing downstream needs 10,000 characters);
- message of punctuation and symbols only ("!!!???###"), or not text at all: ask to rephrase; the intent classifier
  would otherwise pick some intent for it, and with confidence;
- a turn that produced no reply at all (the action server is down, an action crashed): an honest
  message to the user and an error line for the operator, instead of silence;
- a turn whose conversation store failed (`TrackerStoreUnavailable`, rasa_addons/stores/): the
  same honest message, instead of an answer computed on an empty conversation;
- a turn that answered but could not be saved (a full disk, the database gone between reading
  and writing): the answer is withheld and the user is told that the question was not recorded
  and should be asked again in full. The bot's messages of a turn are held back until the turn
  is saved, so what the user sees is what the conversation holds: the next follow-up
  (「举个例子」) cannot be answered about an older topic while the user believes it refers to the
  answer that was lost.

Usage (inside a channel's blueprint):
    return super().blueprint(guard(on_new_message))
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import yaml
from sanic import Sanic
from sanic.exceptions import SanicException

from rasa_addons.channels.limits import limits
from rasa_addons.stores.errors import TrackerStoreUnavailable

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 500
#: The guard's sentences are responses of domain.yml (wording is data, like the bot's own).
EMPTY = "utter_input_empty"
TOO_LONG = "utter_input_too_long"  # {n} characters, {limit}
GARBLED = "utter_ask_rephrase"
UNAVAILABLE = "utter_service_unavailable"
NOT_SAVED = "utter_turn_not_saved"
RATE_LIMITED = "utter_rate_limited"  # {seconds}
#: Rasa's own name for its server app (rasa/server.py), whose agent holds the loaded domain.
RASA_APP = "rasa_server"


class Wording:
    """Response texts of the domain the running Rasa server loaded; outside a Rasa server (tests,
    tools) those of `domain.yml`.

    Usage:
        Wording().text("utter_input_too_long", n=800, limit=500)
    """

    def __init__(self, domain_file: Path = Path("domain.yml")) -> None:
        self.domain_file = domain_file
        self._from_file: dict[str, Any] | None = None

    def text(self, name: str, **params: Any) -> str:
        template = str(self._responses()[name][0]["text"])
        return template.format(**params) if params else template

    def _responses(self) -> dict[str, Any]:
        try:
            agent = Sanic.get_app(RASA_APP).ctx.agent
            if agent is not None and agent.domain is not None:
                return agent.domain.responses
        except (SanicException, AttributeError):
            pass
        if self._from_file is None:
            self._from_file = (yaml.safe_load(self.domain_file.read_text(encoding="utf-8")) or {})["responses"]
        return self._from_file


_WORDING = Wording()


def reply(name: str, **params: Any) -> str:
    """The text of one of the guard's responses (see Wording)."""
    return _WORDING.text(name, **params)


def guard(on_new_message: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[None]]:
    async def guarded(message: Any) -> None:
        out = message.output_channel
        if message.text is not None and not isinstance(message.text, str):  # a channel passed JSON through
            await out.send_text_message(message.sender_id, reply(GARBLED))
            return
        text = (message.text or "").strip()
        if not text:
            await out.send_text_message(message.sender_id, reply(EMPTY))
            return
        if len(text) > MAX_MESSAGE_CHARS:
            too_long = reply(TOO_LONG, n=len(text), limit=MAX_MESSAGE_CHARS)
            await out.send_text_message(message.sender_id, too_long)
            return
        if is_garbled(text):
            await out.send_text_message(message.sender_id, reply(GARBLED))
            return
        held = _Held(out)
        try:
            async with limits().turn(message.sender_id):  # how busy the server is; waits while full (limits.py)
                await on_new_message(message)
        except TrackerStoreUnavailable as exc:  # logged by the store; no answer without history
            held.restore()
            if held.messages:
                log.error(
                    "turn of %s not saved (%s): its %d message(s) withheld, the user asked to ask again",
                    message.sender_id,
                    exc,
                    len(held.messages),
                )
                await out.send_text_message(message.sender_id, reply(NOT_SAVED))
            else:
                log.error("turn of %s failed: conversation store unavailable (%s)", message.sender_id, exc)
                await out.send_text_message(message.sender_id, reply(UNAVAILABLE))
            return
        except Exception:  # the channel must answer even when the bot fails
            log.exception("bot failed on a message from %s", message.sender_id)
        except BaseException:  # cancelled (e.g. the client went away): nothing to send
            held.restore()
            raise
        held.restore()
        sent = await held.release()
        if not sent:
            log.error(
                "no reply to %s for %r: is the action server running? (see endpoints.yml action_endpoint)",
                message.sender_id,
                text[:80],
            )
            await out.send_text_message(message.sender_id, reply(UNAVAILABLE))

    return guarded


def is_garbled(text: str) -> bool:
    """Only punctuation, separators and math/currency/modifier symbols; emoji such as 👍 still count."""
    return all(unicodedata.category(c)[0] in "PZ" or unicodedata.category(c) in ("Sm", "Sc", "Sk") for c in text)


class _Held:
    """The bot's messages of one turn, kept back from the output channel until `release`.

    Rasa sends every bot message through the output channel's `send_response`; the guard's own
    replies go around it (`send_text_message`)."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.send: Callable[[str, dict], Awaitable[None]] = out.send_response
        self.messages: list[tuple[str, dict]] = []
        out.send_response = self.hold

    def restore(self) -> None:
        """The output channel sends directly again."""
        self.out.send_response = self.send

    async def hold(self, recipient_id: str, message: dict) -> None:
        self.messages.append((recipient_id, message))

    async def release(self) -> int:
        for recipient_id, message in self.messages:
            await self.send(recipient_id, message)
        return len(self.messages)
