"""The channel's webhook handlers, called directly with fake requests, a fake bot and a fake API.

The fake WeCom (tests/fakes/wecom.py) signs and encrypts the callbacks and opens the replies, so
this checks our channel against an independent implementation of the protocol.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import urllib.parse
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered

from rasa_addons.channels.guard import UNAVAILABLE, reply
from rasa_addons.channels.wecom.api import MessageApi
from rasa_addons.channels.wecom.channel import NOT_TEXT, WeComInput
from rasa_addons.channels.wecom.crypto import CallbackCrypto
from tests.fakes.wecom import SAMPLE, decrypt, encrypt, signature

BUTTONS = [
    {"title": "移情服务为什么重要", "payload": "/ask_why"},
    {"title": "移情服务有哪些要素", "payload": "/ask_parts"},
]
ANSWER = "移情服务指服务提供者以同理心去体察客户的需要和情绪。\n来源：《移情服务》· 定义"


class FakeApi:
    """The message API transport: gettoken and message/send, recorded."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    async def __call__(self, method, path, query, body):
        if path == "/cgi-bin/gettoken":
            return {"errcode": 0, "access_token": "ACCESS-TOKEN-XYZ", "expires_in": 7200}
        self.sent.append(body)
        return {"errcode": 0}


class FakeBot:
    """Answers every message after `delay` seconds with `reply` (and BUTTONS); records what it got,
    and keeps each conversation in a tracker store as Rasa does (the numbered buttons are read there)."""

    def __init__(self, reply: str = ANSWER, delay: float = 0.0, buttons: bool = True) -> None:
        self.reply, self.delay, self.buttons = reply, delay, buttons
        self.received: list[str] = []
        self.store = InMemoryTrackerStore(Domain.empty())

    async def __call__(self, message) -> None:
        self.received.append(message.text)
        await asyncio.sleep(self.delay)
        answer = {"text": self.reply, **({"buttons": BUTTONS} if self.buttons else {})}
        tracker = await self.store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text))
        tracker.update(BotUttered(answer["text"], {"buttons": answer.get("buttons")}))
        await self.store.save(tracker)
        await message.output_channel.send_response(message.sender_id, answer)


class Harness:
    def __init__(
        self,
        bot: FakeBot,
        window: float = 0.5,
        transport=None,
        channel: WeComInput | None = None,
        clock=time.time,
        agent: object | None = None,
    ) -> None:
        self.bot = bot  # any async callable
        self.api = FakeApi()
        self.agent = agent or SimpleNamespace(tracker_store=getattr(bot, "store", None))
        channel = channel or WeComInput(
            crypto=CallbackCrypto(SAMPLE.token, SAMPLE.aes_key, SAMPLE.corp_id),
            api=MessageApi(
                "http://fake", SAMPLE.corp_id, SAMPLE.secret, SAMPLE.agent_id, transport=transport or self.api
            ),
            corp_id=SAMPLE.corp_id,
            reply_window_seconds=window,
            clock=clock,
        )
        self.channel = channel
        routes = channel.blueprint(bot)._future_routes
        self.handlers = {(r.uri, m): r.handler for r in routes for m in r.methods}

    async def get(self, **args: str):
        return await self.handlers[("/webhook", "GET")](SimpleNamespace(args=args, body=b"", ip="127.0.0.1"))

    async def post(self, body: bytes, signed: str, bad_signature: bool = False, timestamp: str | None = None):
        timestamp, nonce = timestamp or str(int(time.time())), str(random.randrange(10**9))
        sig = "f" * 40 if bad_signature else signature(SAMPLE.token, timestamp, nonce, signed)
        args = {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce}
        app = SimpleNamespace(ctx=SimpleNamespace(agent=self.agent))
        request = SimpleNamespace(args=args, body=body, ip="127.0.0.1", app=app)
        response = await self.handlers[("/webhook", "POST")](request)
        return response, self._open(response, timestamp, nonce)

    async def send(self, inner: str, **kwargs):
        encrypted = encrypt(SAMPLE, inner)
        body = f"<xml><ToUserName>{SAMPLE.corp_id}</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        return await self.post(body.encode(), encrypted, **kwargs)

    async def text(self, content: str, user: str = "zhangsan", msg_id: str | None = None, **kwargs):
        msg_id = msg_id or str(random.randrange(10**18))
        return await self.send(
            f"<xml><ToUserName>{SAMPLE.corp_id}</ToUserName><FromUserName>{user}</FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType>text</MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
            **kwargs,
        )

    async def settle(self) -> None:
        """Wait for the background sends through the message API."""
        while self.channel._background:
            await asyncio.gather(*self.channel._background)

    @staticmethod
    def _open(response, timestamp: str, nonce: str) -> str | None:
        if response.status != 200 or not response.body:
            return None
        root = ET.fromstring(response.body)
        encrypted = root.findtext("Encrypt")
        assert root.findtext("MsgSignature") == signature(SAMPLE.token, timestamp, nonce, encrypted)
        return ET.fromstring(decrypt(SAMPLE, encrypted)).findtext("Content")


def run(coroutine):
    return asyncio.run(coroutine)


def test_url_verification_with_the_official_vector():
    harness = Harness(FakeBot(), clock=lambda: 1476416373 + 60.0)  # the vector was signed in 2016
    echostr = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
    args = {
        "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
        "timestamp": "1476416373",
        "nonce": "47744683",
        "echostr": echostr,
    }
    response = run(harness.get(**args))
    assert (response.status, response.body) == (200, b"1288432023552776189")
    # a "+" that reached us unencoded (decoded to a space) still verifies
    response = run(harness.get(**{**args, "echostr": urllib.parse.unquote_plus(echostr)}))
    assert response.body == b"1288432023552776189"
    assert run(harness.get(**{**args, "msg_signature": "0" * 40})).status == 403
    assert run(harness.get(**{**args, "echostr": ""})).status == 400


def test_a_quick_answer_is_the_passive_reply_with_numbered_buttons():
    harness = Harness(FakeBot())
    response, content = run(harness.text("什么是移情服务"))
    assert response.status == 200
    assert content == ANSWER + "\n回复数字选择：\n1. 移情服务为什么重要\n2. 移情服务有哪些要素"
    assert harness.api.sent == []  # no message API needed


def test_a_number_sends_that_buttons_payload():
    harness = Harness(FakeBot())

    async def go():
        await harness.text("什么是移情服务", user="u1")
        await harness.text("2", user="u1")
        await harness.text("2", user="u2")  # u2 never saw the list

    run(go())
    assert harness.bot.received == ["什么是移情服务", "/ask_parts", "2"]
    assert sorted(harness.bot.store.store) == ["wecom:u1", "wecom:u2"]  # conversations of this channel only


def test_a_number_reaching_another_server_picks_from_the_list_the_user_saw():
    bot = FakeBot()
    first, second = Harness(bot), Harness(bot)  # two Rasa servers behind one callback URL, one store

    async def go():
        await first.text("什么是移情服务", user="u1")
        await second.text("1", user="u1")

    run(go())
    assert bot.received == ["什么是移情服务", "/ask_why"]


def test_a_retried_msg_id_is_answered_once():
    harness = Harness(FakeBot())

    async def go():
        first = await harness.text("什么是移情服务", msg_id="42")
        retries = [await harness.text("什么是移情服务", msg_id="42") for _ in range(3)]
        await harness.settle()
        return first, retries

    (first_response, first_content), retries = run(go())
    assert first_content and all(r.status == 200 and c is None for r, c in retries)
    assert harness.bot.received == ["什么是移情服务"] and harness.api.sent == []


def test_a_slow_answer_is_acknowledged_and_sent_through_the_message_api():
    harness = Harness(FakeBot(delay=0.4), window=0.1)

    async def go():
        result = await harness.text("什么是移情服务", user="slow")
        assert harness.api.sent == []
        await harness.settle()
        return result

    response, content = run(go())
    assert (response.status, content) == (200, None)
    assert [m["touser"] for m in harness.api.sent] == ["slow"]
    assert harness.api.sent[0]["text"]["content"].startswith(ANSWER)
    assert harness.api.sent[0]["agentid"] == int(SAMPLE.agent_id)


def test_a_long_answer_is_split_first_part_passive_rest_through_the_api():
    long_answer = "客户情绪管理要求员工先倾听，再回应客户的感受。" * 120  # about 8.6 KB
    harness = Harness(FakeBot(reply=long_answer, buttons=False))

    async def go():
        result = await harness.text("客户情绪管理有哪些策略")
        await harness.settle()
        return result

    _, content = run(go())
    rest = [m["text"]["content"] for m in harness.api.sent]
    parts = [content, *rest]
    assert len(parts) >= 5 and all(len(p.encode()) <= 2048 for p in parts)
    assert all(p.endswith("。") for p in parts) and "".join(parts) == long_answer


def test_no_reply_from_the_bot_gets_the_guards_honest_message():
    async def silent(message) -> None:
        return None

    harness = Harness(silent)  # type: ignore[arg-type]
    _, content = run(harness.text("什么是移情服务"))
    assert content == reply(UNAVAILABLE)


def test_bad_signature_is_refused_and_nothing_processed():
    harness = Harness(FakeBot())

    async def go():
        refused = await harness.text("什么是移情服务", msg_id="43", bad_signature=True)
        accepted = await harness.text("什么是移情服务", msg_id="43")
        return refused, accepted

    (refused, refused_content), (_, accepted_content) = run(go())
    assert refused.status == 403 and refused_content is None
    assert accepted_content  # the refused one was not remembered as seen
    assert harness.bot.received == ["什么是移情服务"]


@pytest.mark.parametrize("body", [b"", b"<xml", b"<xml><ToUserName>x</ToUserName></xml>"])
def test_malformed_bodies_are_refused(body):
    harness = Harness(FakeBot())
    response, _ = run(harness.post(body, signed=""))
    assert response.status == 400 and harness.bot.received == []


def test_undecryptable_or_foreign_messages_are_refused():
    harness = Harness(FakeBot())
    foreign = encrypt(type(SAMPLE)(SAMPLE.token, SAMPLE.aes_key, "ww0000000000000000"), "<xml/>")
    for encrypted in ("bm90IGEgY2lwaGVydGV4dA==", foreign):
        body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
        response, _ = run(harness.post(body, signed=encrypted))
        assert response.status == 400
    response, _ = run(harness.post(b"<xml><Encrypt>abc</Encrypt></xml>", signed="abc"))  # valid sig, bad base64
    assert response.status == 400
    assert harness.bot.received == []


def test_non_text_messages_and_events():
    harness = Harness(FakeBot())
    _, image = run(
        harness.send(
            "<xml><FromUserName>u1</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>image</MsgType><MsgId>44</MsgId></xml>"
        )
    )
    event, event_content = run(
        harness.send(
            "<xml><FromUserName>u1</FromUserName><CreateTime>2</CreateTime>"
            "<MsgType>event</MsgType><Event>enter_agent</Event></xml>"
        )
    )
    assert image == reply(NOT_TEXT)
    assert (event.status, event_content) == (200, None)
    assert harness.bot.received == []


def test_no_secret_in_any_log_line(caplog):
    caplog.set_level(logging.DEBUG)

    async def failing_api(method, path, query, body):
        return (
            {"errcode": 40014, "errmsg": "invalid access_token"}
            if "access_token" in query
            else {"errcode": 0, "access_token": "ACCESS-TOKEN-XYZ", "expires_in": 7200}
        )

    harness = Harness(FakeBot(delay=0.3), window=0.1, transport=failing_api)

    async def go():
        await harness.text("什么是移情服务")
        await harness.text("x", bad_signature=True)
        await harness.settle()

    run(go())
    assert "not sent" in caplog.text  # the operator learns that the answer was lost
    for secret in (SAMPLE.secret, SAMPLE.token, SAMPLE.aes_key, "ACCESS-TOKEN-XYZ"):
        assert secret not in caplog.text


CREDENTIALS = {
    "corp_id": SAMPLE.corp_id,
    "agent_id": "1000002",
    "secret": "s",
    "token": SAMPLE.token,
    "aes_key": SAMPLE.aes_key,
}


@pytest.mark.parametrize("missing", ["corp_id", "token", "aes_key"])
def test_missing_credentials_are_named(missing):
    with pytest.raises(ValueError, match=missing):
        WeComInput.from_credentials({**CREDENTIALS, missing: ""})


def test_half_a_message_api_configuration_is_refused():
    with pytest.raises(ValueError, match="AgentId"):
        WeComInput.from_credentials({**CREDENTIALS, "agent_id": ""})


def test_without_secret_and_agent_id_the_channel_answers_passively_only(caplog):
    channel = WeComInput.from_credentials({**CREDENTIALS, "agent_id": "", "secret": None, "reply_window_seconds": 0.1})
    assert "passive replies only" in caplog.text
    harness = Harness(FakeBot(), channel=channel)
    _, content = run(harness.text("什么是移情服务"))
    assert content and content.startswith(ANSWER)
    assert not run(channel.output.send_parts("u1", ["您好"]))
    assert "not configured" in caplog.text


def test_rasa_http_api_messages_go_out_through_the_message_api():
    harness = Harness(FakeBot())
    out = harness.channel.get_output_channel()
    long_notice = "今天的培训改到下午三点。" * 200

    async def go():
        await out.send_response("wecom:u1", {"text": "请选择", "buttons": BUTTONS})
        await out.send_response("wecom:u2", {"text": long_notice})
        await out.send_response("rest:u3", {"text": "不是企业微信的对话"})  # not sent anywhere

    run(go())
    assert out.name() == "wecom"
    sent = [(m["touser"], m["text"]["content"]) for m in harness.api.sent]
    assert sent[0] == ("u1", "请选择\n回复数字选择：\n1. 移情服务为什么重要\n2. 移情服务有哪些要素")
    assert "".join(text for user, text in sent[1:] if user == "u2") == long_notice and len(sent) > 3


def test_the_nlu_model_is_warmed_up_when_the_server_starts():
    parsed = []

    class Agent:
        def is_ready(self) -> bool:
            return True

        async def parse_message(self, text: str) -> dict:
            parsed.append(text)
            return {}

    channel = Harness(FakeBot()).channel
    listeners = [f.listener for f in channel.blueprint(FakeBot())._future_listeners if f.event == "after_server_start"]
    run(listeners[0](SimpleNamespace(ctx=SimpleNamespace(agent=Agent())), None))
    run(listeners[0](SimpleNamespace(ctx=SimpleNamespace()), None))  # no agent loaded: nothing to warm
    assert parsed == ["什么是移情服务"]


@pytest.mark.parametrize("offset", [-25 * 365 * 86400, -37 * 60, -301, 301, 3600])
def test_a_callback_signed_too_long_ago_or_ahead_is_refused(offset, caplog):
    harness = Harness(FakeBot())
    stale = str(int(time.time()) + offset)
    with caplog.at_level(logging.WARNING):
        response, content = run(harness.text("什么是移情服务", timestamp=stale))
    assert response.status == 403 and content is None and harness.bot.received == []
    assert "off this server's clock" in caplog.text and "NTP" in caplog.text


def test_a_callback_within_five_minutes_is_answered():
    harness = Harness(FakeBot())
    _, content = run(harness.text("什么是移情服务", timestamp=str(int(time.time()) - 240)))
    assert content and content.startswith(ANSWER)


def test_a_retry_to_another_server_and_a_replay_after_a_restart_are_answered_once(tmp_path):
    """Two servers (or one, restarted) on one conversations database: the MsgId is remembered there."""
    from rasa.core.tracker_store import FailSafeTrackerStore

    from rasa_addons.stores.tracker import StrictSQLTrackerStore

    def server():
        store = FailSafeTrackerStore(
            StrictSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "t.db"))
        )
        return Harness(bot, agent=SimpleNamespace(tracker_store=store, lock_store=SimpleNamespace()))

    bot = FakeBot()
    first, second = server(), server()

    async def go():
        answered = await first.text("什么是移情服务", msg_id="777")
        retried = await second.text("什么是移情服务", msg_id="777")
        replayed = await server().text("什么是移情服务", msg_id="777")  # a fresh process
        return answered, retried, replayed

    (_, answer), (retry, retried), (replay, replayed) = run(go())
    assert answer and retried is None and replayed is None
    assert retry.status == replay.status == 200  # acknowledged, so that WeCom stops retrying
    assert bot.received == ["什么是移情服务"]


def test_with_redis_locks_the_msg_id_is_remembered_in_redis():
    class FakeRedis:
        def __init__(self) -> None:
            self.keys: dict[str, int] = {}

        def set(self, key, value, nx=False, ex=None):
            if nx and key in self.keys:
                return None
            self.keys[key] = ex
            return True

    red = FakeRedis()
    bot = FakeBot()
    agent = SimpleNamespace(tracker_store=bot.store, lock_store=SimpleNamespace(red=red))

    async def go():
        await Harness(bot, agent=agent).text("什么是移情服务", msg_id="888")
        await Harness(bot, agent=agent).text("什么是移情服务", msg_id="888")

    run(go())
    assert bot.received == ["什么是移情服务"]
    assert red.keys == {f"empathykb:wecom:seen:{SAMPLE.corp_id}:msg:888": 3600}


def test_a_user_over_the_rate_limit_gets_the_polite_reply():
    from rasa_addons.channels import limits
    from rasa_addons.channels.guard import RATE_LIMITED

    harness = Harness(FakeBot())
    limits.configure({"per_sender": {"burst": 2, "per_minute": 2}})
    try:
        contents = [run(harness.text("你好", user="u9"))[1] for _ in range(3)]
    finally:
        limits.configure(None)
    assert contents[2] == reply(RATE_LIMITED, seconds=30)
    assert harness.bot.received == ["你好", "你好"]
