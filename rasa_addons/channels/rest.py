"""Rasa's REST channel (/webhooks/rest/webhook) behind the reply guard (see guard.py).

    credentials.yml:
      rasa_addons.channels.rest.GuardedRestInput:
        action_timeout: 10     # seconds to wait for the action server (action_timeout.py)
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput

from rasa_addons.channels.action_timeout import DEFAULT_ACTION_TIMEOUT, limit_action_calls
from rasa_addons.channels.guard import guard


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        limit_action_calls(float((credentials or {}).get("action_timeout", DEFAULT_ACTION_TIMEOUT)))
        return cls()

    def blueprint(self, on_new_message):
        return super().blueprint(guard(on_new_message))
