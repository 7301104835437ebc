"""Rasa's REST channel (/webhooks/rest/webhook) behind the reply guard (see guard.py).

    credentials.yml:
      rasa_addons.channels.rest.GuardedRestInput:
"""

from __future__ import annotations

from rasa.core.channels.rest import RestInput

from rasa_addons.channels.guard import guard


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message):
        return super().blueprint(guard(on_new_message))
