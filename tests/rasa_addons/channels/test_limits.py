"""Token buckets per sender and address, and the human pace enforced while the server is busy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest

from rasa_addons.channels.limits import DEFAULTS, Rate, RateLimits, TokenBuckets, whole_seconds
from tests.clocks import SecondsClock


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    clock = SecondsClock(1000.0)
    buckets = TokenBuckets(Rate(burst=3, per_minute=6), clock)
    assert [buckets.take("u1") for _ in range(3)] == [None, None, None]
    assert buckets.take("u1") == pytest.approx(10.0)  # one token every 10 s
    assert buckets.take("u2") is None  # every key its own bucket
    clock.now += 10
    assert buckets.take("u1") is None and buckets.take("u1") is not None
    clock.now += 3600
    assert [buckets.take("u1") for _ in range(4)][:3] == [None, None, None]  # never more than the burst


def test_an_unenforced_take_empties_the_bucket_but_goes_ahead() -> None:
    buckets = TokenBuckets(Rate(burst=2, per_minute=60), SecondsClock(1000.0))
    assert [buckets.take("u1", enforce=False) for _ in range(5)] == [None] * 5
    assert buckets.take("u1") == pytest.approx(1.0)


def test_buckets_are_bounded() -> None:
    buckets = TokenBuckets(Rate(1, 1), SecondsClock(1000.0), max_keys=100)
    for n in range(1000):
        buckets.take(f"u{n}")
    assert len(buckets._buckets) == 100


@asynccontextmanager
async def turns(limits: RateLimits, *senders: str) -> AsyncIterator[None]:
    """The server answering these senders' turns (each let through the gate, if there is room)."""
    async with AsyncExitStack() as stack:
        for sender in senders:
            await stack.enter_async_context(limits.turn(sender))
        yield


def run(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(scenario())


def test_when_busy_a_client_that_sent_fast_waits_and_a_person_goes_ahead() -> None:
    clock = SecondsClock(1000.0)
    limits = RateLimits.from_settings(None, clock)
    for _ in range(20):  # a flooder while the server was idle: admitted (up to its limits), and counted
        limits.wait("rest:flood", "10.0.0.9")
        clock.now += 0.5

    async def scenario() -> None:
        async with turns(limits, "rest:a", "rest:b"):  # the server is answering two turns
            assert limits.busy
            assert limits.wait("rest:flood", "10.0.0.9") is not None  # refused until it slows down
            assert limits.wait("rest:colleague", "10.0.0.2") is None  # a person asking now and then
            clock.now += 8
            assert limits.wait("rest:colleague", "10.0.0.2") is None

    run(scenario)
    assert not limits.busy and limits.in_progress == 0


def test_when_busy_a_client_that_asks_again_at_once_after_its_answer_waits() -> None:
    """A slow server keeps a waiting client under any per-minute pace: the reading gap does not."""
    clock = SecondsClock(1000.0)
    limits = RateLimits.from_settings(None, clock)
    limits.answered("rest:flood-1", "10.0.0.9")
    limits.answered("rest:colleague", "10.0.0.2")
    clock.now += 0.2
    assert limits.wait("rest:flood-2", "10.0.0.9") is None  # not busy: no gap asked

    async def scenario() -> None:
        async with turns(limits, "rest:a", "rest:b"):
            assert limits.wait("rest:flood-3", "10.0.0.9") == pytest.approx(2.8)  # same address, a new sender
            clock.now += 5
            assert limits.wait("rest:colleague", "10.0.0.2") is None  # read for five seconds

    run(scenario)
    assert not limits.busy


def test_the_defaults_are_those_of_endpoints_yml_and_can_be_turned_off() -> None:
    from rasa_addons.serve import rate_limit_settings
    from tests.conftest import ROOT

    assert rate_limit_settings(ROOT / "endpoints.yml") == DEFAULTS
    off = RateLimits.off()
    assert not off.enabled and all(off.wait("rest:u1", "10.0.0.1") is None for _ in range(1000))

    async def scenario() -> None:
        async with turns(off, "rest:a", "rest:b", "rest:c", "rest:d"):  # no gate: all at once
            assert not off.busy

    run(scenario)
    default_gate = RateLimits.from_settings(None).gate
    assert default_gate is not None and default_gate.at_once == 3  # three turns at once by default
    unbounded = dict(DEFAULTS["when_busy"] or {}, at_once=None)
    assert RateLimits.from_settings({"when_busy": unbounded}).gate is None  # null: no gate
    partial = RateLimits.from_settings({"per_address": None, "when_busy": None})
    assert partial.addresses is None and partial.when_busy is None and partial.senders is not None


def test_while_full_the_person_goes_before_the_flood_that_came_first() -> None:
    """Two turns run; flooding clients' messages and a person's wait; the person goes next."""
    clock = SecondsClock(1000.0)
    gated = {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "min_gap": 3, "at_once": 2}
    limits = RateLimits.from_settings({"when_busy": gated}, clock)
    flood = {f"rest:flood-{n}": f"10.0.0.{10 + n}" for n in range(4)}
    for sender, address in flood.items():  # they have been sending fast while the server was idle
        for _ in range(3):
            limits.wait(f"{sender}-earlier", address)
    clock.now += 5  # one human-pace token back each (12 a minute)
    order: list[str] = []

    async def answer(sender: str, address: str, done: asyncio.Event) -> None:
        assert limits.wait(sender, address) is None
        async with limits.turn(sender):
            order.append(sender)
            await done.wait()

    async def scenario() -> None:
        arrivals = [*list(flood)[:3], "rest:colleague", list(flood)[3]]  # the flood came first
        done = {sender: asyncio.Event() for sender in arrivals}
        tasks = []
        for sender in arrivals:
            tasks.append(asyncio.create_task(answer(sender, flood.get(sender, "10.0.0.2"), done[sender])))
            await asyncio.sleep(0)
        assert order == arrivals[:2] and limits.gate and limits.gate.waiting == 3
        done[arrivals[0]].set()
        await asyncio.sleep(0.01)
        assert order == [*arrivals[:2], "rest:colleague"]
        for event in done.values():
            event.set()
        await asyncio.gather(*tasks)

    run(scenario)
    assert order[3:] == ["rest:flood-2", "rest:flood-3"] and limits.in_progress == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"per_sender": 10},
        {"per_sender": {"burst": 0, "per_minute": 10}},
        {"when_busy": {"burst": 3, "per_minute": 12}},
        {"when_busy": {"turns_in_progress": 0, "burst": 3, "per_minute": 12}},
        {"when_busy": {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "min_gap": -1}},
        {"when_busy": {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "gap": 1}},
        {"when_busy": {"turns_in_progress": 2, "burst": 3, "per_minute": 12, "at_once": 0}},
        {"per_user": {"burst": 3, "per_minute": 12}},
    ],
)
def test_bad_settings_are_refused_at_start_up(settings: dict) -> None:
    with pytest.raises(ValueError, match="rate_limits|burst"):
        RateLimits.from_settings(settings)


def test_waits_are_told_in_whole_seconds() -> None:
    assert [whole_seconds(w) for w in (0.01, 1.0, 1.2, 59.9)] == [1, 1, 2, 60]
