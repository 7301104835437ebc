"""The bound on action server calls, against a server that accepts connections and never answers."""

import asyncio
import socket
import time
from collections.abc import Iterator

import pytest
import rasa.core.actions.action as rasa_action
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from rasa_addons.channels.action_timeout import limit_action_calls
from rasa_addons.channels.rest import GuardedRestInput


@pytest.fixture(autouse=True)
def restore_rasa_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)


@pytest.fixture
def hung_server() -> Iterator[str]:
    """The kernel accepts the connection; nobody ever reads or answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"http://127.0.0.1:{server.getsockname()[1]}/webhook"


def test_a_hung_action_server_fails_the_action_within_the_bound(hung_server: str) -> None:
    limit_action_calls(1)
    action = RemoteAction("action_answer_knowledge", EndpointConfig(hung_server))
    domain = Domain.empty()
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):  # Rasa's processor logs it like any failed action
        asyncio.run(
            action.run(
                CollectingOutputChannel(),
                TemplatedNaturalLanguageGenerator(domain.responses),
                DialogueStateTracker("staff-7", []),
                domain,
            )
        )
    assert time.monotonic() - started < 3


def test_the_channel_applies_the_bound_from_credentials() -> None:
    GuardedRestInput.from_credentials({"action_timeout": 4})
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 4
    GuardedRestInput.from_credentials(None)
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 10


@pytest.mark.parametrize("seconds", [0, -1, 60, 300])
def test_a_bound_outside_the_lock_lifetime_is_refused(seconds: float) -> None:
    with pytest.raises(ValueError, match="action_timeout"):
        limit_action_calls(seconds)
