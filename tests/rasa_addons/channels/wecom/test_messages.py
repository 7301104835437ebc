"""Callback XML: envelope, decrypted message, passive reply."""

import xml.etree.ElementTree as ET

import pytest

from rasa_addons.channels.wecom.messages import Envelope, Inbound, MessageError, reply_envelope, reply_plaintext


def test_envelope():
    envelope = Envelope.parse(
        b"<xml><ToUserName><![CDATA[ww1]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt>"
        b"<AgentID><![CDATA[1000002]]></AgentID></xml>"
    )
    assert envelope == Envelope(to_user="ww1", encrypt="abc=", agent_id="1000002")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not xml",
        b"<xml><ToUserName>ww1</ToUserName></xml>",
        b"<html><Encrypt>a</Encrypt></html>",
        b"<xml>" + b"x" * 70_000 + b"</xml>",
        b'<!DOCTYPE xml [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>',
        b'<!doctype xml [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>',
        # other encodings, which a byte-level check of "<!DOCTYPE" does not see
        '<!DOCTYPE xml [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>'.encode("utf-16"),
        "<xml><Encrypt>abc=</Encrypt></xml>".encode("utf-16-le"),  # no byte order mark
        "<xml><Encrypt>abc=</Encrypt></xml>".encode("utf-32"),
        b'<?xml version="1.0" encoding="UTF-16"?><xml><Encrypt>abc=</Encrypt></xml>',
        b'<?xml version="1.0" encoding="ISO-8859-1"?><xml><Encrypt>\xe9</Encrypt></xml>',
        b"<xml><Encrypt>\xff\xfe</Encrypt></xml>",
    ],
)
def test_malformed_envelope_is_refused(body):
    with pytest.raises(MessageError):
        Envelope.parse(body)


def test_utf8_with_or_without_a_declaration_or_byte_order_mark_is_read():
    body = b"<xml><ToUserName>ww1</ToUserName><Encrypt>abc=</Encrypt></xml>"
    for prefix in (b"", b'<?xml version="1.0" encoding="utf-8"?>', b"\xef\xbb\xbf"):
        assert Envelope.parse(prefix + body).encrypt == "abc="


def test_text_message_and_dedup_key():
    inbound = Inbound.parse(
        "<xml><ToUserName>ww1</ToUserName><FromUserName><![CDATA[ZhangSan]]></FromUserName>"
        "<CreateTime>1476422779</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[ 什么是移情服务 ]]></Content><MsgId>1456453720</MsgId></xml>"
    )
    assert (inbound.msg_type, inbound.from_user, inbound.content) == ("text", "ZhangSan", " 什么是移情服务 ")
    assert inbound.dedup_key == "msg:1456453720" and not inbound.is_event


def test_events_are_known_by_sender_and_time():
    inbound = Inbound.parse(
        "<xml><FromUserName>ZhangSan</FromUserName><CreateTime>1700000000</CreateTime>"
        "<MsgType>event</MsgType><Event>enter_agent</Event></xml>"
    )
    assert inbound.is_event and inbound.dedup_key == "event:ZhangSan:1700000000:enter_agent"


def test_message_without_sender_is_refused():
    with pytest.raises(MessageError):
        Inbound.parse("<xml><MsgType>text</MsgType></xml>")


def test_passive_reply_xml_survives_cdata_breakers():
    inner = ET.fromstring(reply_plaintext("ZhangSan", "ww1", "a]]>b <来源>", now=1700000000))
    assert inner.findtext("Content") == "a]]>b <来源>"
    assert (inner.findtext("ToUserName"), inner.findtext("FromUserName"), inner.findtext("MsgType")) == (
        "ZhangSan",
        "ww1",
        "text",
    )
    outer = ET.fromstring(reply_envelope("abc=", "f" * 40, "1700000000", "42"))
    assert [outer.findtext(t) for t in ("Encrypt", "MsgSignature", "TimeStamp", "Nonce")] == [
        "abc=",
        "f" * 40,
        "1700000000",
        "42",
    ]
