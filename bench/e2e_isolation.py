"""Each consumer alone (issue 9: ≥ 30,000 events/s): after the end-to-end run, with the registry idle and
every event in the broker, a consumer service is restarted on a fresh database under a consumer group of
its own, so it reads every enterprise event from the start with nothing else running; its rate is timed
from its first applied event to its last (the group's join before it is not the consumer's work)."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx
from e2e_suite import BenchSuite, counter

from devstack.postgres import create_database
from testkit.databases import pg_admin

# How often the consumer's /metrics is read. Each read renders every metric family (2–10 ms on the service's
# HTTP loop, which shares the interpreter with its consumer): read 20 times a second it took 4–20 % of a core
# from the consumer measured. 4 times a second: ≤ 4 %, and the end is seen at most 0.25 s late (≤ 4 % of a
# 200,000-event run, on the slow side).
SCRAPE_EVERY_S = 0.25


async def consumer_alone(suite: BenchSuite, name: str, event_type: str, n: int, folder: Path, timeout: float) -> float:
    """Events/s of `name` applying the `n` events of `event_type` alone."""
    processes = suite.suite
    await asyncio.to_thread(processes.kill, name, signal.SIGTERM)
    up = name.upper()
    if suite.postgres:
        url = await create_database(await pg_admin(), f"bench_{name}_alone")
        suite.databases.append(url)
    else:
        url = f"sqlite+aiosqlite:///{folder / f'{name}-alone.db'}"
    processes.config.extra_env |= {f"SHUZHUAN_{up}_DATABASE_URL": url, f"SHUZHUAN_{up}_CONSUMER_GROUP": f"{name}-alone"}
    await asyncio.to_thread(processes.migrate_all, (name,))
    await asyncio.to_thread(processes.start_service, name)
    started = time.perf_counter()
    first: tuple[float, float] | None = None
    async with httpx.AsyncClient(timeout=30) as client:
        while True:
            text = (await client.get(f"{suite.url(name)}/metrics")).text
            applied, now = counter(text, "events_consumed_total", name, event_type), time.perf_counter()
            if first is None and applied > 0:
                first = (now, applied)
            if first is not None and applied >= n:
                return (applied - first[1]) / (now - first[0]) if now > first[0] else 0.0
            if now - started > timeout:
                raise TimeoutError(f"{name} alone applied {applied:,.0f} of {n:,} in {timeout:.0f} s")
            await asyncio.sleep(SCRAPE_EVERY_S)
