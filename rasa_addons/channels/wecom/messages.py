"""The XML of WeCom callbacks: the signed envelope, the decrypted message, the passive reply.

Usage:
    envelope = Envelope.parse(b"<xml><ToUserName><![CDATA[ww1]]></ToUserName>"
                              b"<Encrypt><![CDATA[abc=]]></Encrypt><AgentID>1000002</AgentID></xml>")
    envelope.encrypt, envelope.agent_id  # → ('abc=', '1000002')
    Inbound.parse("<xml><MsgType>text</MsgType><Content>你好</Content><FromUserName>u1</FromUserName>"
                  "<MsgId>42</MsgId><CreateTime>1700000000</CreateTime></xml>").dedup_key  # → 'msg:42'
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

MAX_BODY_BYTES = 64 * 1024  # a WeCom callback is a few KB; anything bigger is not one
_DECLARED_ENCODING = re.compile(r"""\s*<\?xml[^>]*?\bencoding\s*=\s*["'](?P<encoding>[^"']*)["']""")


class MessageError(ValueError):
    """A callback body that is not the XML WeCom sends; the message says what is wrong."""


def _text(data: str | bytes) -> str:
    """The callback as text: UTF-8 only, as WeCom sends it, checked before any parser sees it.

    A byte-level `<!DOCTYPE` check alone misses other encodings: in UTF-16 the bytes are
    `<\x00!\x00D\x00…`, and the parser would honour the byte order mark or the declared encoding."""
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")):
            raise MessageError("not UTF-8 (a UTF-16/32 byte order mark)")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise MessageError("not UTF-8") from None
    data = data.removeprefix("\ufeff")
    if "\x00" in data:
        raise MessageError("NUL characters (UTF-16 or UTF-32 without a byte order mark?)")
    declared = _DECLARED_ENCODING.match(data)
    if declared and declared["encoding"].lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise MessageError(f"declared encoding {declared['encoding'][:20]!r}, only UTF-8 is accepted")
    return data


def _root(data: str | bytes) -> ET.Element:
    if len(data) > MAX_BODY_BYTES:
        raise MessageError("body too large")
    text = _text(data)
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise MessageError("DTDs are not accepted")  # no entity expansion tricks
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MessageError(f"not XML: {exc}") from exc
    if root.tag != "xml":
        raise MessageError(f"root element is <{root.tag}>, expected <xml>")
    return root


def _field(root: ET.Element, name: str) -> str:
    return (root.findtext(name) or "").strip()


@dataclass(frozen=True)
class Envelope:
    """The outer callback XML: who it is for and the ciphertext."""

    to_user: str
    encrypt: str
    agent_id: str

    @classmethod
    def parse(cls, body: bytes) -> Envelope:
        root = _root(body)
        encrypt = _field(root, "Encrypt")
        if not encrypt:
            raise MessageError("no <Encrypt> element")
        return cls(to_user=_field(root, "ToUserName"), encrypt=encrypt, agent_id=_field(root, "AgentID"))


@dataclass(frozen=True)
class Inbound:
    """A decrypted message or event from a user."""

    msg_type: str
    from_user: str
    create_time: str
    msg_id: str = ""
    content: str = ""
    event: str = ""

    @classmethod
    def parse(cls, plaintext: str) -> Inbound:
        root = _root(plaintext)
        inbound = cls(
            msg_type=_field(root, "MsgType"),
            from_user=_field(root, "FromUserName"),
            create_time=_field(root, "CreateTime"),
            msg_id=_field(root, "MsgId"),
            content=root.findtext("Content") or "",
            event=_field(root, "Event"),
        )
        if not inbound.msg_type or not inbound.from_user:
            raise MessageError("message without MsgType or FromUserName")
        return inbound

    @property
    def is_event(self) -> bool:
        return self.msg_type == "event"

    @property
    def dedup_key(self) -> str:
        """MsgId for messages; sender and creation time for events, which have no MsgId."""
        if self.msg_id and not self.is_event:
            return f"msg:{self.msg_id}"
        return f"event:{self.from_user}:{self.create_time}:{self.event}"


def reply_plaintext(to_user: str, from_corp: str, content: str, now: int | None = None) -> str:
    """The inner XML of a passive text reply (encrypted before it is sent)."""
    created = int(time.time()) if now is None else now
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_corp)}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def reply_envelope(encrypt: str, signature: str, timestamp: str, nonce: str) -> str:
    """The outer XML of a passive reply, as in WeCom's own samples."""
    return (
        f"<xml><Encrypt>{_cdata(encrypt)}</Encrypt><MsgSignature>{_cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
    )


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
