"""The error a turn fails with when its conversation store cannot be read or written."""

from __future__ import annotations


class TrackerStoreUnavailable(BaseException):
    """The conversation database did not answer, even after reconnecting.

    A BaseException on purpose: Rasa 3.6 wraps every tracker store in `FailSafeTrackerStore`
    (rasa/core/agent.py), whose `except Exception` turns a failed read into "no conversation yet"
    and a failed write into an in-memory copy, so the turn would run on an empty tracker and later
    turns lose their history. This error passes through that wrapper and fails the turn; the
    channel guard (rasa_addons/channels/guard.py) answers 「服务暂时不可用」.

    Usage:
        raise TrackerStoreUnavailable("PostgreSQL at db:5432 did not answer")
    """
