"""A fake WeCom (企业微信): a client that sends signed, encrypted callbacks the way WeCom does, and
a message API server (gettoken, message/send) that records what the assistant sent.

Written from the published callback protocol, independently of rasa_addons.channels.wecom, so
that the two check each other. Stdlib and `cryptography` only, so both environments import it.

Usage:
    api = FakeWeComApi(corp_id="ww1436e0e65a779aee", secret="s3cret", port=5156).start()
    client = FakeWeComClient("http://localhost:5105/webhooks/wecom/webhook", SAMPLE)
    reply = client.send_text("ZhangSan", "什么是移情服务")
    reply.status, reply.content, api.sent_texts("ZhangSan")
    api.stop()
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import struct
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


@dataclass(frozen=True)
class AppConfig:
    """What an administrator enters in the WeCom admin console for a self-built app."""

    token: str
    aes_key: str
    corp_id: str
    agent_id: str = "1000002"
    secret: str = "fake-app-secret-0123456789"


#: The official sample's Token, EncodingAESKey and CorpID (WXBizMsgCrypt samples).
SAMPLE = AppConfig(
    token="hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    aes_key="6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    corp_id="ww1436e0e65a779aee",
)


def signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


def encrypt(config: AppConfig, text: str) -> str:
    key = base64.b64decode(config.aes_key + "=")
    data = text.encode("utf-8")
    plain = os.urandom(16) + struct.pack("!I", len(data)) + data + config.corp_id.encode()
    padding = 32 - len(plain) % 32
    plain += bytes([padding] * padding)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def decrypt(config: AppConfig, encrypted: str) -> str:
    key = base64.b64decode(config.aes_key + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    length = struct.unpack("!I", plain[16:20])[0]
    assert plain[20 + length :].decode() == config.corp_id, "reply encrypted for another CorpID"
    return plain[20 : 20 + length].decode("utf-8")


@dataclass
class CallbackReply:
    status: int
    body: str
    seconds: float
    content: str | None = None  # the decrypted passive reply's text, if there was one


class FakeWeComClient:
    """Plays WeCom's servers calling the app's callback URL."""

    def __init__(self, url: str, config: AppConfig, timeout: float = 5.0) -> None:
        self.url = url
        self.config = config
        self.timeout = timeout
        self.last_request: tuple[str, bytes, str, str] | None = None

    def verify_url(self, echo: str | None = None, bad_signature: bool = False) -> tuple[int, str, str]:
        """GET the URL the way the admin console's "save" does; returns (status, body, expected echo)."""
        echo = echo or str(random.randrange(10**18, 10**19))
        timestamp, nonce = str(int(time.time())), str(random.randrange(10**9))
        echostr = encrypt(self.config, echo)
        sig = signature(self.config.token, timestamp, nonce, echostr)
        if bad_signature:
            sig = "0" * 40
        query = urllib.parse.urlencode(
            {"msg_signature": sig, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
        )
        status, body, _ = self._request("GET", f"{self.url}?{query}", None)
        return status, body, echo

    def send_text(
        self,
        user: str,
        content: str,
        msg_id: str | None = None,
        create_time: int | None = None,
        bad_signature: bool = False,
        timestamp: int | None = None,
    ) -> CallbackReply:
        inner = (
            f"<xml><ToUserName><![CDATA[{self.config.corp_id}]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{create_time or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id or random.randrange(10**18, 10**19)}</MsgId><AgentID>{self.config.agent_id}</AgentID></xml>"
        )
        return self.send_inner(inner, bad_signature=bad_signature, timestamp=timestamp)

    def send_inner(self, inner_xml: str, bad_signature: bool = False, timestamp: int | None = None) -> CallbackReply:
        encrypted = encrypt(self.config, inner_xml)
        body = (
            f"<xml><ToUserName><![CDATA[{self.config.corp_id}]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[{self.config.agent_id}]]></AgentID></xml>"
        )
        return self.post(body.encode(), encrypted, bad_signature=bad_signature, timestamp=timestamp)

    def post(
        self, body: bytes, signed: str = "", bad_signature: bool = False, timestamp: int | None = None
    ) -> CallbackReply:
        """A signed callback; `timestamp` (default now) is the one WeCom signs. The request is kept
        in `last_request`, so that a test can replay it byte for byte (`replay`)."""
        stamp, nonce = str(int(time.time()) if timestamp is None else timestamp), str(random.randrange(10**9))
        sig = "0" * 40 if bad_signature else signature(self.config.token, stamp, nonce, signed)
        query = urllib.parse.urlencode({"msg_signature": sig, "timestamp": stamp, "nonce": nonce})
        self.last_request = (f"{self.url}?{query}", body, stamp, nonce)
        return self.replay(self.last_request)

    def replay(self, captured: tuple[str, bytes, str, str]) -> CallbackReply:
        """Send a captured callback again, exactly as it was (what an attacker on the way could do)."""
        url, body, stamp, nonce = captured
        status, text, seconds = self._request("POST", url, body)
        reply = CallbackReply(status, text, seconds)
        if status == 200 and text.strip():
            reply.content = self._open_reply(text, stamp, nonce)
        return reply

    def _open_reply(self, text: str, timestamp: str, nonce: str) -> str:
        root = ET.fromstring(text)
        encrypted = root.findtext("Encrypt") or ""
        assert root.findtext("MsgSignature") == signature(
            self.config.token, root.findtext("TimeStamp") or "", root.findtext("Nonce") or "", encrypted
        ), "bad reply signature"
        assert (root.findtext("TimeStamp"), root.findtext("Nonce")) == (timestamp, nonce)
        inner = ET.fromstring(decrypt(self.config, encrypted))
        assert inner.findtext("MsgType") == "text"
        return inner.findtext("Content") or ""

    def _request(self, method: str, url: str, body: bytes | None) -> tuple[int, str, float]:
        request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "text/xml"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read().decode("utf-8"), time.monotonic() - started
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), time.monotonic() - started


class FakeWeComApi:
    """gettoken and message/send on a local port; `sent` holds every accepted message/send body."""

    def __init__(self, corp_id: str, secret: str, port: int = 0) -> None:
        self.corp_id = corp_id
        self.secret = secret
        self.sent: list[dict] = []
        self.token_requests = 0
        self.rejected_tokens = 0
        self._valid: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeWeComApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def expire_tokens(self) -> None:
        """Every token issued so far now gets errcode 42001 (access_token expired)."""
        with self._lock:
            self._valid.clear()

    def sent_texts(self, user: str) -> list[str]:
        with self._lock:
            return [m["text"]["content"] for m in self.sent if m.get("touser") == user]

    def _gettoken(self, query: dict[str, str]) -> dict:
        with self._lock:
            self.token_requests += 1
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                return {"errcode": 40001, "errmsg": "invalid credential"}
            token = f"fake-token-{self.token_requests}-{random.randrange(10**9)}"
            self._valid.add(token)
            return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def _send(self, query: dict[str, str], body: dict) -> dict:
        with self._lock:
            if query.get("access_token") not in self._valid:
                self.rejected_tokens += 1
                return {"errcode": 42001, "errmsg": "access_token expired"}
            if body.get("msgtype") != "text" or not body.get("touser") or not body.get("agentid"):
                return {"errcode": 40008, "errmsg": "invalid message type"}
            content = body.get("text", {}).get("content", "")
            if len(content.encode("utf-8")) > 2048:
                return {"errcode": 45002, "errmsg": "content size out of limit"}
            self.sent.append(body)
            return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path, query = self._parse()
                self._reply(api._gettoken(query) if path == "/cgi-bin/gettoken" else None)

            def do_POST(self) -> None:  # noqa: N802
                path, query = self._parse()
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                self._reply(api._send(query, body) if path == "/cgi-bin/message/send" else None)

            def _parse(self) -> tuple[str, dict[str, str]]:
                parts = urllib.parse.urlsplit(self.path)
                return parts.path, dict(urllib.parse.parse_qsl(parts.query))

            def _reply(self, payload: dict | None) -> None:
                data = json.dumps(payload or {"errcode": 404, "errmsg": "not found"}).encode()
                self.send_response(200 if payload else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # quiet: tests read `sent`, not logs
                pass

        return Handler
