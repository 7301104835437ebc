"""A bound on how long the Rasa server waits for the action server.

Rasa 3.6 calls the action server with a fixed 300 s timeout (`rasa.core.constants.
DEFAULT_REQUEST_TIMEOUT`, passed by `RemoteAction.run`; endpoints.yml has no setting for it). A
killed action server refuses the connection at once, but a hung one would keep the user waiting
five minutes. With the bound, the action call fails (asyncio.TimeoutError), which Rasa's processor
logs like a refused connection: the user's message stays in the conversation, and the guard
(guard.py) answers 「服务暂时不可用」.
It must stay below the lock lifetime (Rasa's `TICKET_LOCK_LIFETIME`, 60 s), or a second message of
the same conversation could run while the first still waits.

Usage (once, when the channel is created from credentials.yml):
    limit_action_calls(10)
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT = 10.0
MAX_ACTION_TIMEOUT = 50.0  # below the 60 s lock lifetime


def limit_action_calls(seconds: float) -> None:
    if not 0 < seconds <= MAX_ACTION_TIMEOUT:
        raise ValueError(f"action_timeout must be between 0 and {MAX_ACTION_TIMEOUT:g} seconds, not {seconds!r}")
    import rasa.core.actions.action as action  # the module-level name RemoteAction.run reads per call

    action.DEFAULT_REQUEST_TIMEOUT = seconds
    log.debug("action server calls time out after %g s", seconds)
