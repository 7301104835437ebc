"""The WeCom (企业微信) channel for a self-built app (自建应用), behind the reply guard.

WeCom calls `/webhooks/wecom/webhook`: GET once to verify the URL, POST for every message, and it
drops a callback it got no answer to within 5 seconds and sends it again (three times). So:

- every callback is checked (signature, receive id) before anything else; a bad one gets a 4xx;
- a callback whose signed timestamp is more than `max_clock_skew_seconds` (300) away from this
  server's clock is refused (403): a captured callback cannot be replayed later;
- a retried or replayed MsgId is acknowledged and never answered twice, on any server of a
  cluster and after a restart (dedup.py: Redis when the lock store is Redis, else the
  conversations' database);
- conversations are `wecom:<UserId>` (ownership.py): no other channel reaches them; each user's
  messages count against the sender rate limit (limits.py; there is no address limit, all
  callbacks come from WeCom);
- an answer ready within `reply_window_seconds` (4 s) is the passive, encrypted reply to the
  callback itself: the user sees it at once and it needs no outbound access to WeCom's API. A
  longer answer (over 2,048 bytes) sends its first part that way and the rest through the
  message API; an answer that takes longer is acknowledged at once and sent through the message
  API when it is ready, because WeCom would otherwise retry the question;
- buttons become a numbered list; a reply of just the number sends that button's payload, looked
  up in the conversation's tracker, so it works whichever server showed the list (choices.py).
  Non-text messages get a polite reply; events are acknowledged and ignored;
- Rasa's HTTP API can push messages to a user with `output_channel=wecom` (output.py).

    credentials.yml:
      rasa_addons.channels.wecom.WeComInput:
        corp_id: ${WECOM_CORP_ID}
        agent_id: ${WECOM_AGENT_ID:-}
        secret: ${WECOM_SECRET:-}
        token: ${WECOM_TOKEN}
        aes_key: ${WECOM_AES_KEY}
        api_base: ${WECOM_API_BASE:-https://qyapi.weixin.qq.com}
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.channels.guard import RATE_LIMITED, guard, reply
from rasa_addons.channels.limits import limits, whole_seconds
from rasa_addons.channels.ownership import conversation_id
from rasa_addons.channels.wecom.api import MessageApi
from rasa_addons.channels.wecom.choices import picked
from rasa_addons.channels.wecom.crypto import CallbackCrypto, CryptoError
from rasa_addons.channels.wecom.dedup import SeenMessages, SharedSeen, shared_seen
from rasa_addons.channels.wecom.messages import Envelope, Inbound, MessageError, reply_envelope, reply_plaintext
from rasa_addons.channels.wecom.output import WeComOutput
from rasa_addons.channels.wecom.text import compose, split

if TYPE_CHECKING:
    from rasa.core.tracker_store import TrackerStore

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com"
#: WeCom waits 5 s; what is not ready after this goes through the message API instead.
DEFAULT_REPLY_WINDOW_SECONDS = 4.0
#: domain.yml response for images, voice and files.
NOT_TEXT = "utter_input_not_text"
WARM_UP_TEXT = "什么是移情服务"
#: enough for passive replies; `secret` and `agent_id` add the message API.
REQUIRED = ("corp_id", "token", "aes_key")
#: WeCom signs the callback's timestamp; one further off than this is refused as a replay.
MAX_CLOCK_SKEW_SECONDS = 300.0


class WeComInput(InputChannel):
    """Usage: see the module docstring; `WeComInput.from_credentials({...})` builds it from credentials.yml."""

    @classmethod
    def name(cls) -> str:
        return "wecom"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeComInput:
        credentials = {key: str(value).strip() for key, value in (credentials or {}).items() if value is not None}
        missing = [key for key in REQUIRED if not credentials.get(key)]
        if missing:
            raise ValueError(f"credentials.yml, WeCom channel: missing {', '.join(missing)} (see README, WeCom)")
        api = None
        if credentials.get("secret") or credentials.get("agent_id"):
            api = MessageApi(
                base_url=credentials.get("api_base") or DEFAULT_API_BASE,
                corp_id=credentials["corp_id"],
                secret=credentials.get("secret", ""),
                agent_id=credentials.get("agent_id", ""),
            )
        else:
            log.warning(
                "WeCom channel without WECOM_SECRET and WECOM_AGENT_ID: passive replies only "
                "(answers over 4 s or 2,048 bytes cannot be delivered in full)"
            )
        return cls(
            crypto=CallbackCrypto(credentials["token"], credentials["aes_key"], credentials["corp_id"]),
            api=api,
            corp_id=credentials["corp_id"],
            reply_window_seconds=float(credentials.get("reply_window_seconds") or DEFAULT_REPLY_WINDOW_SECONDS),
        )

    def __init__(
        self,
        crypto: CallbackCrypto,
        api: MessageApi | None,
        corp_id: str,
        reply_window_seconds: float = DEFAULT_REPLY_WINDOW_SECONDS,
        max_clock_skew_seconds: float = MAX_CLOCK_SKEW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not 0 < reply_window_seconds < 5:
            raise ValueError("reply_window_seconds must be between 0 and 5 (WeCom waits 5 s)")
        if max_clock_skew_seconds <= 0:
            raise ValueError("max_clock_skew_seconds must be positive")
        self.crypto = crypto
        self.corp_id = corp_id
        self.reply_window_seconds = reply_window_seconds
        self.max_clock_skew_seconds = max_clock_skew_seconds
        self._clock = clock
        self.seen = SeenMessages()
        self._shared: SharedSeen | None = None
        self._shared_for: Any = None  # the agent whose stores `_shared` uses
        self.output = WeComOutput(api)
        self._background: set[asyncio.Future] = set()

    def get_output_channel(self) -> WeComOutput:
        """For Rasa's HTTP API (`output_channel=wecom`): messages go out through the message API."""
        return self.output

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guarded = guard(on_new_message)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", inspect.getmodule(self).__name__)

        @webhook.listener("after_server_start")
        async def warm_up(app: Any, _: Any) -> None:
            """A fresh Rasa server's first turn is slow (its NLU model builds its graph on first use),
            and WeCom's first question must be answered within 5 s: pay that cost at start-up."""
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return
            try:
                await agent.parse_message(WARM_UP_TEXT)
            except Exception:  # a failed warm-up only means a slower first answer
                log.warning("WeCom channel: NLU warm-up failed", exc_info=True)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify_url(request: Request) -> HTTPResponse:
            params = _params(request, "msg_signature", "timestamp", "nonce", "echostr")
            if params is None:
                return response.text("missing msg_signature, timestamp, nonce or echostr", status=400)
            signature, timestamp, nonce, echostr = params
            echostr = echostr.replace(" ", "+")  # an unencoded "+" arrives as a space; base64 has none
            if not self.crypto.verify(signature, timestamp, nonce, echostr):
                log.warning("WeCom URL verification with a bad signature from %s", request.ip)
                return response.text("bad signature", status=403)
            if not self._timely(timestamp, "URL verification"):
                return response.text("stale timestamp", status=403)
            try:
                return response.text(self.crypto.decrypt(echostr))
            except CryptoError as exc:
                log.warning("WeCom URL verification refused: %s", exc)
                return response.text("cannot decrypt echostr", status=400)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = _params(request, "msg_signature", "timestamp", "nonce")
            if params is None:
                return response.text("missing msg_signature, timestamp or nonce", status=400)
            signature, timestamp, nonce = params
            try:
                envelope = Envelope.parse(request.body)
            except MessageError as exc:
                log.warning("WeCom callback refused: %s", exc)
                return response.text(f"bad callback body: {exc}", status=400)
            if not self.crypto.verify(signature, timestamp, nonce, envelope.encrypt):
                log.warning("WeCom callback with a bad signature from %s", request.ip)
                return response.text("bad signature", status=403)
            if not self._timely(timestamp, "callback"):
                return response.text("stale timestamp", status=403)
            try:
                inbound = Inbound.parse(self.crypto.decrypt(envelope.encrypt))
            except (CryptoError, MessageError) as exc:
                log.warning("WeCom callback refused: %s", exc)
                return response.text(f"bad callback: {exc}", status=400)
            agent = getattr(request.app.ctx, "agent", None)  # None until Rasa has loaded its model
            if not self._first_time(inbound.dedup_key, agent):
                log.info("WeCom retry of %s ignored: already handled", inbound.dedup_key)
                return response.text("")
            if inbound.is_event:
                log.debug("WeCom event %r from %s ignored", inbound.event, inbound.from_user)
                return response.text("")
            if inbound.msg_type != "text":
                return self._passive(inbound.from_user, reply(NOT_TEXT), timestamp, nonce)
            wait = limits().wait_sender(conversation_id(self.name(), inbound.from_user))
            if wait is not None:
                log.warning("WeCom message of %s refused: over its rate limit", inbound.from_user)
                return self._passive(
                    inbound.from_user, reply(RATE_LIMITED, seconds=whole_seconds(wait)), timestamp, nonce
                )
            store = getattr(agent, "tracker_store", None)
            return await self._answer(guarded, inbound, envelope, timestamp, nonce, store)

        return webhook

    def _timely(self, timestamp: str, what: str) -> bool:
        """Whether WeCom's signed timestamp is within `max_clock_skew_seconds` of this server's clock."""
        try:
            offset = self._clock() - int(timestamp)
        except ValueError:
            log.warning("WeCom %s refused: timestamp %r is not a number", what, timestamp[:20])
            return False
        if abs(offset) <= self.max_clock_skew_seconds:
            return True
        log.warning(
            "WeCom %s refused: its timestamp is %.0f s off this server's clock (limit %.0f s): a replayed "
            "callback, or a wrong clock here (check NTP)",
            what,
            offset,
            self.max_clock_skew_seconds,
        )
        return False

    def _first_time(self, key: str, agent: Any) -> bool:
        """Not handled before, by this process or (shared store) by any server of the cluster."""
        if not self.seen.first_time(key):
            return False
        if agent is not None and agent is not self._shared_for:
            self._shared, self._shared_for = shared_seen(agent), agent
        if self._shared is None:
            return True
        try:
            return self._shared.first_time(f"{self.corp_id}:{key}")
        except Exception as exc:  # a store that fails must not silence the user; the turn reports it
            log.error("WeCom de-duplication store unavailable (%s): %s answered without the check", exc, key)
            return True

    async def _answer(
        self,
        guarded: Callable[[UserMessage], Awaitable[None]],
        inbound: Inbound,
        envelope: Envelope,
        timestamp: str,
        nonce: str,
        store: TrackerStore | None,
    ) -> HTTPResponse:
        user = inbound.from_user
        conversation = conversation_id(self.name(), user)
        out = CollectingOutputChannel()
        message = UserMessage(
            text=await picked(store, conversation, inbound.content),
            output_channel=out,
            sender_id=conversation,
            input_channel=self.name(),
            metadata={"wecom": {"msg_id": inbound.msg_id, "agent_id": envelope.agent_id}},
        )
        turn = asyncio.ensure_future(guarded(message))
        done, _ = await asyncio.wait({turn}, timeout=self.reply_window_seconds)
        if not done:
            log.info(
                "WeCom answer to %s not ready within %.1f s: it will go through the message API",
                user,
                self.reply_window_seconds,
            )
            self._keep(asyncio.ensure_future(self._push_when_done(turn, user, out)))
            return response.text("")
        chunks = self._chunks(out)
        if not chunks:  # nothing WeCom can show (e.g. only custom JSON)
            return response.text("")
        if len(chunks) > 1:
            self._keep(asyncio.ensure_future(self.output.send_parts(user, chunks[1:])))
        return self._passive(user, chunks[0], timestamp, nonce)

    @staticmethod
    def _chunks(out: CollectingOutputChannel) -> list[str]:
        text, _ = compose(out.messages)
        return split(text)

    def _passive(self, user: str, content: str, timestamp: str, nonce: str) -> HTTPResponse:
        encrypted = self.crypto.encrypt(reply_plaintext(user, self.corp_id, content))
        signature = self.crypto.sign(timestamp, nonce, encrypted)
        return response.text(reply_envelope(encrypted, signature, timestamp, nonce), content_type="application/xml")

    async def _push_when_done(self, turn: asyncio.Future, user: str, out: CollectingOutputChannel) -> None:
        await turn
        await self.output.send_parts(user, self._chunks(out))

    def _keep(self, task: asyncio.Future) -> None:
        """Hold a reference to a background send until it finishes (asyncio keeps only weak ones)."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)


def _params(request: Request, *names: str) -> tuple[str, ...] | None:
    values = tuple(request.args.get(name) or "" for name in names)
    return values if all(values) else None
