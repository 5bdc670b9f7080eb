"""The SQLite write gate's order: waiters in turn, those marked `first` ahead of them; a waiter that gives up
(its timeout, a cancellation) is skipped, and one handed the gate as it gave up passes it on."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from servicekit.sqlitegate import WriteGate
from testkit.waits import wait_for


async def queue_behind(gate: WriteGate, order: list[str], name: str, *, first: bool = False) -> asyncio.Task[None]:
    async def take() -> None:
        await gate.acquire(first=first)
        order.append(name)
        gate.release(committed=False)

    before = gate.waits

    async def queued() -> bool:
        return gate.waits > before

    task = asyncio.create_task(take())
    await wait_for(queued, timeout=5, what=f"{name} queued at the gate")
    return task


async def test_waiters_take_turns_and_first_ones_go_ahead() -> None:
    gate = WriteGate("unused.db", timeout_s=5)
    order: list[str] = []
    await gate.acquire()
    tasks = [
        await queue_behind(gate, order, "a"),
        await queue_behind(gate, order, "b"),
        await queue_behind(gate, order, "relay", first=True),
        await queue_behind(gate, order, "c"),
    ]
    assert order == [] and gate.waits == 4
    gate.release(committed=False)
    await asyncio.gather(*tasks)
    assert order == ["relay", "a", "b", "c"]
    await gate.acquire()  # free again: taken at once
    assert gate.waits == 4


async def test_a_waiter_that_gives_up_is_skipped_and_the_gate_stays_usable() -> None:
    gate = WriteGate("unused.db", timeout_s=0.05)
    order: list[str] = []
    await gate.acquire()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await gate.acquire()  # times out behind the holder
    gate.timeout_s = 5  # the waiters below wait as long as it takes
    cancelled = await queue_behind(gate, order, "cancelled")
    later = await queue_behind(gate, order, "later")
    cancelled.cancel()
    await asyncio.gather(cancelled, return_exceptions=True)
    gate.release(committed=False)
    await later
    assert order == ["later"]


async def test_a_waiter_cancelled_after_being_handed_the_gate_passes_it_on() -> None:
    gate = WriteGate("unused.db", timeout_s=5)
    order: list[str] = []
    await gate.acquire()
    handed = await queue_behind(gate, order, "handed")
    later = await queue_behind(gate, order, "later")
    gate.release(committed=False)  # hands it to `handed`, which has not run yet
    handed.cancel()  # and gives up before it runs
    await asyncio.gather(handed, return_exceptions=True)
    await asyncio.wait_for(later, 5)
    assert order == ["later"]
