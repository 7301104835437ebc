"""A guard around any Rasa input channel: every message gets a reply, and bad input a polite one.

- empty or whitespace-only message: ask for a question, without running the bot;
- message over MAX_MESSAGE_CHARS: ask to shorten it (nothing downstream needs 10,000 characters);
- message of punctuation and symbols only ("!!!???###"), or not text at all: ask to rephrase; the intent classifier
  would otherwise pick some intent for it, and with confidence;
- a turn that produced no reply at all (the action server is down, an action crashed): an honest
  message to the user and an error line for the operator, instead of silence;
- a turn whose conversation store failed (`TrackerStoreUnavailable`, rasa_addons/stores/): the
  same honest message, instead of an answer computed on an empty conversation.

Usage (inside a channel's blueprint):
    >>> return super().blueprint(guard(on_new_message))
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_addons.stores.errors import TrackerStoreUnavailable

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 500
EMPTY_REPLY = "您好像没有输入内容。请直接输入您的问题，例如：“什么是移情服务？”"
TOO_LONG_REPLY = "您的消息有 {n} 个字，超过了 {limit} 字的上限。请把问题精简一下再发给我。"
GARBLED_REPLY = "抱歉，我没理解您的意思，能换个说法吗？例如：“什么是移情服务？”“有没有酒店的案例？”"
UNAVAILABLE_REPLY = "抱歉，知识服务暂时不可用，暂时无法回答您的问题。我们已记录该问题，请稍后再试。"


def guard(on_new_message: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Awaitable[None]]:
    async def guarded(message: Any) -> None:
        out = message.output_channel
        if message.text is not None and not isinstance(message.text, str):  # a channel passed JSON through
            await out.send_text_message(message.sender_id, GARBLED_REPLY)
            return
        text = (message.text or "").strip()
        if not text:
            await out.send_text_message(message.sender_id, EMPTY_REPLY)
            return
        if len(text) > MAX_MESSAGE_CHARS:
            reply = TOO_LONG_REPLY.format(n=len(text), limit=MAX_MESSAGE_CHARS)
            await out.send_text_message(message.sender_id, reply)
            return
        if is_garbled(text):
            await out.send_text_message(message.sender_id, GARBLED_REPLY)
            return
        sent = _count_replies(out)
        try:
            await on_new_message(message)
        except TrackerStoreUnavailable as exc:  # logged by the store; no answer without history
            log.error("turn of %s failed: conversation store unavailable (%s)", message.sender_id, exc)
            await out.send_text_message(message.sender_id, UNAVAILABLE_REPLY)
            return
        except Exception:  # the channel must answer even when the bot fails
            log.exception("bot failed on a message from %s", message.sender_id)
        if not sent():
            log.error(
                "no reply to %s for %r: is the action server running? (see endpoints.yml action_endpoint)",
                message.sender_id,
                text[:80],
            )
            await out.send_text_message(message.sender_id, UNAVAILABLE_REPLY)

    return guarded


def is_garbled(text: str) -> bool:
    """Only punctuation, separators and math/currency/modifier symbols; emoji such as 👍 still count."""
    return all(unicodedata.category(c)[0] in "PZ" or unicodedata.category(c) in ("Sm", "Sc", "Sk") for c in text)


def _count_replies(out: Any) -> Callable[[], int]:
    """Wrap the output channel's single exit point so we know whether anything was sent."""
    count = 0
    original = out.send_response

    async def counting(recipient_id: str, message: dict) -> None:
        nonlocal count
        count += 1
        await original(recipient_id, message)

    out.send_response = counting
    return lambda: count
