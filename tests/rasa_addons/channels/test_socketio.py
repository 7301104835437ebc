"""The guarded socket.io channel, driven through the handlers python-socketio would call."""

import asyncio
from typing import Any

import pytest

from rasa_addons.channels import limits
from rasa_addons.channels.guard import EMPTY, RATE_LIMITED, reply
from rasa_addons.channels.socketio import GuardedSocketIOInput


class Recorder:
    """Stands in for Rasa's on_new_message and for the server's emit."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.emitted: list[tuple[str, Any, str]] = []

    async def on_new_message(self, message: Any) -> None:
        self.received.append((message.sender_id, message.text))
        await message.output_channel.send_response(message.sender_id, {"text": "答复"})  # as Rasa does

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))

    async def enter_room(self, sid: str, room: str, **_: Any) -> None:
        self.rooms.setdefault(room, set()).add(sid)

    async def leave_room(self, sid: str, room: str, **_: Any) -> None:
        self.rooms[room].discard(sid)

    @property
    def rooms(self) -> dict[str, set[str]]:
        return self.__dict__.setdefault("_rooms", {})


@pytest.fixture
def channel_and_recorder() -> tuple[GuardedSocketIOInput, Recorder]:
    channel = GuardedSocketIOInput.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered"}
    )
    recorder = Recorder()
    channel.blueprint(recorder.on_new_message)
    channel.sio.emit = recorder.emit
    channel.sio.enter_room = recorder.enter_room
    channel.sio.leave_room = recorder.leave_room
    return channel, recorder


def send(channel: GuardedSocketIOInput, *args: Any) -> None:
    asyncio.run(channel.sio.handlers["/"]["user_uttered"]("sid-1", *args))


def test_a_question_reaches_the_bot_and_its_reply_the_socket(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    send(channel, {"message": "什么是移情服务\x00"})
    assert recorder.received == [("socketio:sid-1", "什么是移情服务")]  # the socket's own conversation
    assert recorder.emitted == [("bot_uttered", {"text": "答复"}, "socketio:sid-1")]
    assert recorder.rooms == {"socketio:sid-1": {"sid-1"}}


@pytest.mark.parametrize("args", [("你好",), ([1, 2],), (), ({"message": 2},), ({"message": "a"}, "extra")])
def test_a_malformed_event_gets_a_chinese_reply_not_silence(channel_and_recorder, args) -> None:
    channel, recorder = channel_and_recorder
    send(channel, *args)
    if args and isinstance(args[0], dict) and isinstance(args[0]["message"], str):
        assert recorder.received == [("socketio:sid-1", "a")]  # extra arguments are ignored
        return
    assert recorder.received == []
    [(event, data, room)] = recorder.emitted
    assert (event, room) == ("bot_uttered", "sid-1")
    assert "消息格式" in data["text"] or "message 字段" in data["text"]


def test_an_empty_message_gets_the_guards_reply(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    send(channel, {"message": "   "})
    assert recorder.received == []
    assert recorder.emitted == [("bot_uttered", {"text": reply(EMPTY)}, "socketio:sid-1")]


def test_a_sender_over_its_rate_is_told_how_long_to_wait(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    limits.configure({"per_sender": {"burst": 2, "per_minute": 3}})
    try:
        for _ in range(3):
            send(channel, {"message": "你好"})
    finally:
        limits.configure(None)
    assert len(recorder.received) == 2
    assert recorder.emitted[-1] == ("bot_uttered", {"text": reply(RATE_LIMITED, seconds=20)}, "sid-1")
