"""The message API client: token cache, refresh on expired/invalid tokens, errors without secrets."""

import asyncio

import pytest

from rasa_addons.channels.wecom.api import ApiError, MessageApi
from tests.clocks import SecondsClock

SECRET = "the-app-secret"


class FakeTransport:
    """Plays WeCom's API: issues numbered tokens; tokens in `expired` get errcode 42001."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.issued = 0
        self.expired: set[str] = set()
        self.sent: list[dict] = []
        self.send_errcode = 0

    async def __call__(self, method, path, query, body):
        self.calls.append((path, dict(query)))
        if path == "/cgi-bin/gettoken":
            if query["corpsecret"] != SECRET:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            self.issued += 1
            return {"errcode": 0, "access_token": f"T{self.issued}", "expires_in": 7200}
        if query["access_token"] in self.expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if self.send_errcode:
            return {"errcode": self.send_errcode, "errmsg": "nope"}
        self.sent.append(body)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}

    def paths(self):
        return [path for path, _ in self.calls]


def make(transport, clock=None, secret=SECRET):
    return MessageApi("http://fake", "ww1", secret, "1000002", transport=transport, clock=clock or SecondsClock(1000.0))


def test_token_is_fetched_once_and_cached():
    transport = FakeTransport()
    api = make(transport)

    async def go():
        await api.send_text("u1", "你好")
        await api.send_text("u1", "再见")

    asyncio.run(go())
    assert transport.paths() == ["/cgi-bin/gettoken", "/cgi-bin/message/send", "/cgi-bin/message/send"]
    assert transport.sent[0] == {"touser": "u1", "msgtype": "text", "agentid": 1000002, "text": {"content": "你好"}}


def test_token_is_refreshed_before_it_expires():
    transport, clock = FakeTransport(), SecondsClock(1000.0)
    api = make(transport, clock)
    asyncio.run(api.send_text("u1", "a"))
    clock.now += 7200 - 299  # inside the safety margin
    asyncio.run(api.send_text("u1", "b"))
    assert transport.paths().count("/cgi-bin/gettoken") == 2
    assert transport.calls[-1][1]["access_token"] == "T2"


def test_expired_token_is_refreshed_once_and_the_message_resent():
    transport = FakeTransport()
    api = make(transport)
    asyncio.run(api.send_text("u1", "a"))
    transport.expired.add("T1")  # WeCom expired it early (e.g. the secret was reset)
    asyncio.run(api.send_text("u1", "b"))
    assert [m["text"]["content"] for m in transport.sent] == ["a", "b"]
    assert transport.paths().count("/cgi-bin/gettoken") == 2


def test_concurrent_senders_share_one_refresh():
    transport = FakeTransport()
    api = make(transport)

    async def go():
        await asyncio.gather(*(api.send_text("u1", str(i)) for i in range(5)))

    asyncio.run(go())
    assert transport.paths().count("/cgi-bin/gettoken") == 1 and len(transport.sent) == 5


def test_errors_name_the_errcode_but_no_secret_or_token():
    transport = FakeTransport()
    with pytest.raises(ApiError) as refused:
        asyncio.run(make(transport, secret="wrong-secret").send_text("u1", "a"))
    assert refused.value.errcode == 40001 and "wrong-secret" not in str(refused.value)
    transport.send_errcode = 45009
    with pytest.raises(ApiError) as limited:
        asyncio.run(make(transport).send_text("u1", "a"))
    assert "45009" in str(limited.value) and "T" + str(transport.issued) not in str(limited.value)


def test_unreachable_api_is_an_api_error_without_the_secret():
    api = MessageApi("http://127.0.0.1:9", "ww1", SECRET, "1000002")  # discard port: nothing listens
    with pytest.raises(ApiError) as unreachable:
        asyncio.run(api.send_text("u1", "a"))
    assert "cannot reach" in str(unreachable.value) and SECRET not in str(unreachable.value)


@pytest.mark.parametrize("kwargs", [{"base_url": "qyapi.weixin.qq.com"}, {"agent_id": "abc"}, {"secret": ""}])
def test_bad_settings_are_refused(kwargs):
    settings = {"base_url": "https://qyapi.weixin.qq.com", "corp_id": "ww1", "secret": SECRET, "agent_id": "1"}
    with pytest.raises(ValueError):
        MessageApi(**{**settings, **kwargs})
