"""The fair gate: at most N turns at once, the waiting turn of the highest standing next."""

from __future__ import annotations

import asyncio

import pytest

from rasa_addons.channels.gate import FairGate


async def turn(gate: FairGate, name: str, standing: float, order: list[str], release: asyncio.Event) -> None:
    async with gate.place(standing):
        order.append(name)
        await release.wait()


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_turns_beyond_the_limit_wait_and_the_highest_standing_goes_first() -> None:
    async def scenario() -> list[str]:
        gate, order = FairGate(at_once=2), []
        releases = {name: asyncio.Event() for name in ("a", "b", "flood-1", "flood-2", "person", "flood-3")}
        tasks = [asyncio.create_task(turn(gate, name, 0.0, order, releases[name])) for name in ("a", "b")]
        await settle()
        assert order == ["a", "b"] and gate.running == 2
        for name, standing in (("flood-1", 0.2), ("flood-2", 0.0), ("person", 2.9), ("flood-3", 0.2)):
            tasks.append(asyncio.create_task(turn(gate, name, standing, order, releases[name])))
            await settle()
        assert gate.waiting == 4 and gate.running == 2
        for name in ("a", "person", "b", "flood-1", "flood-3", "flood-2"):  # each leaving turn hands its place on
            releases[name].set()
            await settle()
        await asyncio.gather(*tasks)
        assert gate.running == 0 and gate.waiting == 0
        return order

    assert asyncio.run(scenario()) == ["a", "b", "person", "flood-1", "flood-3", "flood-2"]


@pytest.mark.parametrize("handed_over", [False, True], ids=["while waiting", "as its place is handed over"])
def test_a_turn_whose_client_went_away_gives_its_place_on(handed_over: bool) -> None:
    """One place; "gone" (the highest standing) waits behind "a" and is cancelled either while it
    waits or just as "a" leaves and hands it the place, before it resumes: "next" gets the place."""

    async def scenario() -> list[str]:
        gate, order = FairGate(at_once=1), []
        releases = {name: asyncio.Event() for name in ("a", "gone", "next")}
        first = asyncio.create_task(turn(gate, "a", 0.0, order, releases["a"]))
        await settle()
        gone = asyncio.create_task(turn(gate, "gone", 3.0, order, releases["gone"]))
        after = asyncio.create_task(turn(gate, "next", 0.0, order, releases["next"]))
        await settle()
        if handed_over:
            releases["a"].set()
            await asyncio.sleep(0)  # "a" leaves and hands its place to "gone", which has not resumed yet
            gone.cancel()
        else:
            gone.cancel()
            await settle()
            releases["a"].set()
        releases["next"].set()
        await asyncio.gather(first, after)
        assert gone.cancelled() and gate.running == 0 and gate.waiting == 0
        return order

    assert asyncio.run(scenario()) == ["a", "next"]


def test_a_gate_lets_at_least_one_turn_through() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FairGate(at_once=0)
