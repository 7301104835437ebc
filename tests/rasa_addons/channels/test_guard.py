"""The reply guard, with fakes shaped like Rasa's UserMessage and CollectingOutputChannel.

As in Rasa, every bot utterance reaches the channel through `send_response` (MessageProcessor
calls it for each BotUttered event), which dispatches to `send_text_message` / `send_text_with_buttons`.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from rasa_addons.channels.guard import EMPTY, MAX_MESSAGE_CHARS, NOT_SAVED, TOO_LONG, UNAVAILABLE, guard, reply
from rasa_addons.stores.errors import TrackerStoreUnavailable


class FakeOutputChannel:
    """Like rasa.core.channels.channel.CollectingOutputChannel: collects what would be sent."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        message = dict(message)
        if message.get("buttons"):
            await self.send_text_with_buttons(recipient_id, message.pop("text"), message.pop("buttons"))
        elif message.get("text"):
            await self.send_text_message(recipient_id, message.pop("text"))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self.messages.append({"recipient_id": recipient_id, "text": text})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list, **kwargs: Any) -> None:
        self.messages.append({"recipient_id": recipient_id, "text": text, "buttons": buttons})

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages]


@dataclass
class FakeUserMessage:
    text: str | None
    output_channel: FakeOutputChannel = field(default_factory=FakeOutputChannel)
    sender_id: str = "staff-7"


class FakeBot:
    """Stands in for Rasa's on_new_message: records the call, then replies, stays silent or fails."""

    def __init__(self, replies: list[dict[str, Any]] = (), error: BaseException | None = None) -> None:
        self.replies = list(replies)
        self.error = error
        self.received: list[str] = []

    async def __call__(self, message: FakeUserMessage) -> None:
        self.received.append(message.text)
        for response in self.replies:
            await message.output_channel.send_response(message.sender_id, response)
        if self.error:
            raise self.error


def run(bot: FakeBot, text: str | None) -> FakeUserMessage:
    message = FakeUserMessage(text)
    asyncio.run(guard(bot)(message))
    return message


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", None])
def test_empty_message_is_answered_without_the_bot(text: str | None) -> None:
    bot = FakeBot([{"text": "不应出现"}])
    message = run(bot, text)
    assert bot.received == []
    assert message.output_channel.messages == [{"recipient_id": "staff-7", "text": reply(EMPTY)}]


def test_too_long_message_is_answered_with_its_length() -> None:
    bot = FakeBot([{"text": "不应出现"}])
    message = run(bot, "请" * 501)
    assert bot.received == []
    assert message.output_channel.texts == [reply(TOO_LONG, n=501, limit=500)]
    assert message.output_channel.texts[0] == "您的消息有 501 个字，超过了 500 字的上限。请把问题精简一下再发给我。"


def test_message_at_the_limit_reaches_the_bot() -> None:
    """Surrounding whitespace does not count."""
    text = "  " + "问" * MAX_MESSAGE_CHARS + "\n"
    bot = FakeBot([{"text": "好的"}])
    message = run(bot, text)
    assert bot.received == [text]
    assert message.output_channel.texts == ["好的"]


def test_a_reply_from_the_bot_is_passed_on_unchanged(caplog: pytest.LogCaptureFixture) -> None:
    replies = [
        {
            "text": "移情服务是指……\n\n来源：《移情服务》· 定义",
            "buttons": [{"title": "移情服务有哪些案例", "payload": "移情服务有哪些案例"}],
        },
        {"text": "还想了解什么？"},
    ]
    with caplog.at_level(logging.ERROR, logger="rasa_addons.channels.guard"):
        message = run(FakeBot(replies), "什么是移情服务")
    assert message.output_channel.messages == [
        {
            "recipient_id": "staff-7",
            "text": "移情服务是指……\n\n来源：《移情服务》· 定义",
            "buttons": [{"title": "移情服务有哪些案例", "payload": "移情服务有哪些案例"}],
        },
        {"recipient_id": "staff-7", "text": "还想了解什么？"},
    ]
    assert caplog.records == []


def test_a_silent_bot_gets_an_apology_and_an_error_log(caplog: pytest.LogCaptureFixture) -> None:
    bot = FakeBot([])
    with caplog.at_level(logging.ERROR, logger="rasa_addons.channels.guard"):
        message = run(bot, "什么是移情服务")
    assert bot.received == ["什么是移情服务"]
    assert message.output_channel.messages == [{"recipient_id": "staff-7", "text": reply(UNAVAILABLE)}]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].name == "rasa_addons.channels.guard"
    assert "no reply to staff-7 for '什么是移情服务'" in errors[0].getMessage()
    assert "action server" in errors[0].getMessage()


def test_a_failing_bot_gets_an_apology(caplog: pytest.LogCaptureFixture) -> None:
    bot = FakeBot([], error=RuntimeError("action server unreachable"))
    with caplog.at_level(logging.ERROR, logger="rasa_addons.channels.guard"):
        message = run(bot, "什么是移情服务")
    assert message.output_channel.texts == [reply(UNAVAILABLE)]
    failures = [r for r in caplog.records if r.exc_info]
    assert [r.getMessage() for r in failures] == ["bot failed on a message from staff-7"]
    assert isinstance(failures[0].exc_info[1], RuntimeError)


def test_a_bot_that_replies_then_fails_gets_no_apology() -> None:
    bot = FakeBot([{"text": "移情服务是指……"}], error=RuntimeError("tracker store down"))
    message = run(bot, "什么是移情服务")
    assert message.output_channel.texts == ["移情服务是指……"]


def test_unavailable_conversation_store_fails_the_turn_honestly(caplog: pytest.LogCaptureFixture) -> None:
    bot = FakeBot([], error=TrackerStoreUnavailable("postgresql localhost: retrieve failed"))
    with caplog.at_level(logging.ERROR):
        message = run(bot, "举个例子")
    assert message.output_channel.texts == [reply(UNAVAILABLE)]
    assert "conversation store unavailable" in caplog.text


def test_an_answer_that_could_not_be_saved_is_withheld_and_said_so(caplog: pytest.LogCaptureFixture) -> None:
    """A full disk: the bot answered, then saving the turn failed. The user is told the question
    was not recorded, and does not see an answer the conversation does not hold."""
    bot = FakeBot(
        [{"text": "移情服务是指……"}], error=TrackerStoreUnavailable("sqlite var/rasa/tracker.db: save failed")
    )
    with caplog.at_level(logging.ERROR):
        message = run(bot, "什么是移情服务")
    assert message.output_channel.texts == [reply(NOT_SAVED)]
    assert "没能保存" in reply(NOT_SAVED) and "再" in reply(NOT_SAVED)
    assert "not saved" in caplog.text and "withheld" in caplog.text


def test_the_bots_messages_reach_the_channel_when_the_turn_is_done() -> None:
    seen_during_the_turn: list[int] = []

    class CheckingBot(FakeBot):
        async def __call__(self, message: FakeUserMessage) -> None:
            await super().__call__(message)
            seen_during_the_turn.append(len(message.output_channel.messages))

    message = run(CheckingBot([{"text": "第一条"}, {"text": "第二条"}]), "什么是移情服务")
    assert seen_during_the_turn == [0]
    assert message.output_channel.texts == ["第一条", "第二条"]
    assert message.output_channel.send_response.__self__ is message.output_channel  # its own again
