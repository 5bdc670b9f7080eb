"""Waits on a condition, never a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx

from servicekit.consumer import ConsumerRunner
from servicekit.relay import OutboxRelay


async def wait_for(check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition") -> None:
    """Poll `check` until true; fail with `what` after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        if await check():
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def wait_until(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    """`wait_for` for synchronous tests (a browser, a suite of processes): poll until true, or fail naming `what`."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


async def nothing_in_flight(
    relays: Sequence[OutboxRelay], consumers: Sequence[ConsumerRunner], timeout: float = 60
) -> None:
    """Wait until every outbox is drained and every consumer has since found nothing more to apply:
    after this, no event can still arrive (a double application would already show)."""

    async def drained() -> bool:
        return all([await r.backlog() == 0 for r in relays])

    await wait_for(drained, timeout=timeout, what="every outbox drained")
    marks = [c.polls for c in consumers]

    async def idle() -> bool:
        return all(c.idle_since(m) for c, m in zip(consumers, marks, strict=True))

    await wait_for(idle, timeout=timeout, what="every consumer idle after the outboxes drained")


async def suite_settled(
    client: httpx.AsyncClient, urls: Mapping[str, str], producers: Sequence[str], timeout: float = 60
) -> None:
    """The same over HTTP for a suite of processes: `producers` have empty outboxes, and every service
    with consumers has polled twice since without finding anything (their /readyz says so)."""

    async def ready(name: str) -> dict[str, Any]:
        try:
            return dict((await client.get(f"{urls[name]}/readyz")).json()["checks"])
        except (httpx.HTTPError, ValueError, KeyError):
            return {}

    async def drained() -> bool:
        return all([(await ready(n)).get("outbox_backlog") == 0 for n in producers])

    await wait_for(drained, timeout=timeout, what=f"the outboxes of {', '.join(producers)} drained")
    marks = {n: c["consumer_polls"] for n in urls if "consumer_polls" in (c := await ready(n))}

    async def idle() -> bool:
        for name, mark in marks.items():
            c = await ready(name)
            if min(c.get("consumer_empty_polls", 0), c.get("consumer_polls", 0) - mark - 1) < 2:
                return False
        return True

    await wait_for(idle, timeout=timeout, what="every consumer idle after the outboxes drained")
