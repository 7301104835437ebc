"""The WeCom channel on the real stack (scripts/run.sh with WECOM_* set), driven by a fake WeCom:
a client that signs and encrypts callbacks, and a local message API (tests/fakes/wecom.py)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
import requests

from tests.fakes.wecom import SAMPLE, FakeWeComApi, FakeWeComClient, encrypt
from tests.integration.conftest import PORTS

pytestmark = pytest.mark.integration
URL = f"{PORTS.rasa_url}/webhooks/wecom/webhook"
MAX_BYTES = 2048
#: Handled MsgIds are remembered in the conversations' database for an hour (a replay after a
#: restart is not answered again): every run of this module needs MsgIds of its own.
RUN = secrets.randbelow(10**15)


@pytest.fixture(scope="module")
def wecom_api() -> Iterator[FakeWeComApi]:
    api = FakeWeComApi(SAMPLE.corp_id, SAMPLE.secret, port=PORTS.action + 1).start()
    yield api
    api.stop()


API_TOKEN = secrets.token_hex(16)


@pytest.fixture(scope="module")
def assistant_env(wecom_api: FakeWeComApi) -> dict[str, str]:
    return {
        "WECOM_CORP_ID": SAMPLE.corp_id,
        "WECOM_AGENT_ID": SAMPLE.agent_id,
        "WECOM_SECRET": SAMPLE.secret,
        "WECOM_TOKEN": SAMPLE.token,
        "WECOM_AES_KEY": SAMPLE.aes_key,
        "WECOM_API_BASE": wecom_api.url,
        "RASA_AUTH_TOKEN": API_TOKEN,  # the HTTP API below needs it
    }


@pytest.fixture(scope="module")
def wecom(assistant) -> FakeWeComClient:
    return FakeWeComClient(URL, SAMPLE)


def _api_texts(api: FakeWeComApi, user: str, count: int, wait: float = 15.0) -> list[str]:
    """What the message API got for `user`, once it has `count` messages (or after `wait` seconds)."""
    deadline = time.monotonic() + wait
    while len(api.sent_texts(user)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return api.sent_texts(user)


def _answer(reply, api: FakeWeComApi, user: str, earlier: int = 0) -> str:
    """A turn's answer: the passive reply, or (when the turn took over 4 s, e.g. on a loaded
    machine) what the message API got for `user` after its `earlier` messages."""
    assert reply.status == 200
    if reply.content is not None:
        return reply.content
    return "\n".join(_api_texts(api, user, count=earlier + 1)[earlier:])


def test_url_verification(wecom):
    status, body, echo = wecom.verify_url()
    assert (status, body) == (200, echo)


def test_url_verification_with_a_bad_signature_is_refused(wecom):
    status, body, echo = wecom.verify_url(bad_signature=True)
    assert 400 <= status < 500 and echo not in body


def test_question_is_answered_within_five_seconds_with_a_source(wecom):
    reply = wecom.send_text("zhangsan", "什么是移情服务")
    assert reply.status == 200 and reply.seconds < 5
    assert reply.content is not None and "移情" in reply.content and "来源" in reply.content
    assert len(reply.content.encode()) <= MAX_BYTES


def test_buttons_are_numbered_and_a_number_picks_one(wecom, wecom_api):
    first = _answer(wecom.send_text("lisi", "什么是移情服务"), wecom_api, "lisi")
    assert "回复数字选择：" in first
    title = first.split("回复数字选择：")[1].split("\n1. ")[1].split("\n")[0]
    earlier = len(wecom_api.sent_texts("lisi"))
    second = _answer(wecom.send_text("lisi", "1"), wecom_api, "lisi", earlier)
    assert "来源" in second and second != first
    assert any(word in second for word in (title, title[:4])), (title, second[:200])


def test_a_retried_msg_id_is_not_answered_twice(wecom, wecom_api):
    first = wecom.send_text("wangwu", "客户情绪管理有哪些策略", msg_id=f"{RUN}001")
    assert "来源" in _answer(first, wecom_api, "wangwu")
    for _ in range(3):  # WeCom retries up to three times
        retry = wecom.send_text("wangwu", "客户情绪管理有哪些策略", msg_id=f"{RUN}001")
        assert retry.status == 200 and retry.content is None
    time.sleep(2)
    answers = (first.content is not None) + len(wecom_api.sent_texts("wangwu"))
    assert answers == 1  # once, passively or through the message API, never again


def test_a_bad_signature_is_refused_and_nothing_processed(wecom, wecom_api):
    refused = wecom.send_text("zhaoliu", "什么是移情服务", msg_id=f"{RUN}002", bad_signature=True)
    assert 400 <= refused.status < 500 and refused.content is None
    time.sleep(1)
    assert wecom_api.sent_texts("zhaoliu") == []
    # the refused callback did not count as seen: the genuine one with that MsgId is answered
    genuine = wecom.send_text("zhaoliu", "什么是移情服务", msg_id=f"{RUN}002")
    assert "来源" in _answer(genuine, wecom_api, "zhaoliu")


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<xml><ToUserName>ww1</ToUserName></xml>"])
def test_a_malformed_body_is_refused(wecom, body):
    assert 400 <= wecom.post(body).status < 500


def test_a_signed_but_undecryptable_body_is_refused(wecom):
    garbage = "bm90IGEgY2lwaGVydGV4dA=="
    body = f"<xml><ToUserName>{SAMPLE.corp_id}</ToUserName><Encrypt><![CDATA[{garbage}]]></Encrypt></xml>"
    assert wecom.post(body.encode(), signed=garbage).status == 400


def test_a_message_for_another_corp_is_refused(wecom):
    other = type(SAMPLE)(token=SAMPLE.token, aes_key=SAMPLE.aes_key, corp_id="ww0000000000000000")
    encrypted = encrypt(other, "<xml><MsgType>text</MsgType><FromUserName>x</FromUserName><Content>hi</Content></xml>")
    body = f"<xml><ToUserName>ww0000000000000000</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    assert wecom.post(body.encode(), signed=encrypted).status == 400


def test_an_image_gets_a_polite_text_only_reply(wecom):
    reply = wecom.send_inner(
        f"<xml><ToUserName>{SAMPLE.corp_id}</ToUserName><FromUserName>sunqi</FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType>image</MsgType><PicUrl>http://x/y.png</PicUrl>"
        f"<MediaId>m1</MediaId><MsgId>{RUN}003</MsgId><AgentID>1000002</AgentID></xml>"
    )
    assert reply.status == 200 and "文字" in (reply.content or "")


def test_an_event_is_acknowledged_without_a_reply(wecom):
    reply = wecom.send_inner(
        f"<xml><ToUserName>{SAMPLE.corp_id}</ToUserName><FromUserName>sunqi</FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event>"
        "<AgentID>1000002</AgentID></xml>"
    )
    assert (reply.status, reply.content) == (200, None)


def _push(user: str, text: str) -> None:
    """A bot message to `user` through Rasa's HTTP API, delivered by the WeCom channel's message API."""
    response = requests.post(
        f"{PORTS.rasa_url}/conversations/wecom:{user}/tracker/events",  # WeCom's conversations are wecom:<UserId>
        params={"output_channel": "wecom", "execute_side_effects": "true", "token": API_TOKEN},
        json=[{"event": "bot", "text": text}],
        timeout=30,
    )
    assert response.status_code == 200, response.text


LONG = "安抚客户时，先认可对方的感受，再说明我们能做什么。" * 60  # about 4.3 KB, over 2,048 bytes


def test_a_reply_over_2048_bytes_arrives_split_at_sentence_ends(wecom, wecom_api):
    _push("zhouba", LONG)
    parts = _api_texts(wecom_api, "zhouba", count=3)
    assert len(parts) == 3 and "".join(parts) == LONG
    assert all(len(part.encode()) <= MAX_BYTES and part.endswith("。") for part in parts)


def test_an_expired_access_token_is_refreshed(wecom, wecom_api):
    _push("wujiu", "第一条通知。")
    assert _api_texts(wecom_api, "wujiu", count=1) == ["第一条通知。"]
    tokens, rejected = wecom_api.token_requests, wecom_api.rejected_tokens
    wecom_api.expire_tokens()  # WeCom now answers the cached token with errcode 42001
    _push("wujiu", "第二条通知。")
    assert _api_texts(wecom_api, "wujiu", count=2) == ["第一条通知。", "第二条通知。"]
    assert (wecom_api.token_requests, wecom_api.rejected_tokens) == (tokens + 1, rejected + 1)
