"""Sending through WeCom's message API: the rest of a long answer, a slow answer, and messages
that Rasa's HTTP API addresses to the channel (`?output_channel=wecom`, e.g. a notice pushed to a
user with `POST /conversations/{user}/tracker/events?execute_side_effects=true`).

Usage:
    out = WeComOutput(api)   # api None: no message API configured, sends are logged
    await out.send_response("wecom:ZhangSan", {"text": "您好", "buttons": [...]})  # text + numbered list
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.channels.channel import OutputChannel

from rasa_addons.channels.ownership import channel_sender
from rasa_addons.channels.wecom.api import ApiError, MessageApi
from rasa_addons.channels.wecom.text import compose, split

log = logging.getLogger(__name__)


class WeComOutput(OutputChannel):
    def __init__(self, api: MessageApi | None) -> None:
        self.api = api

    @classmethod
    def name(cls) -> str:
        return "wecom"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """`recipient_id`: a conversation of this channel (`wecom:<UserId>`), as Rasa names it."""
        user = channel_sender(self.name(), recipient_id)
        if user is None:
            log.error("WeCom: %s is not a WeCom conversation (wecom:<UserId>); message not sent", recipient_id)
            return
        text, _ = compose([message])
        if text:
            await self.send_parts(user, split(text))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_parts(self, user: str, parts: list[str]) -> bool:
        """Send the parts in order; stop at the first failure, which the operator finds in the log."""
        if parts and self.api is None:
            log.error(
                "WeCom message API not configured (WECOM_SECRET, WECOM_AGENT_ID): %d part(s) of the "
                "message to %s not sent",
                len(parts),
                user,
            )
            return False
        for number, part in enumerate(parts, 1):
            try:
                await self.api.send_text(user, part)
            except ApiError as exc:
                log.error(
                    "WeCom message API: part %d/%d of the message to %s not sent: %s", number, len(parts), user, exc
                )
                return False
        return True
