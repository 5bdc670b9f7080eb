"""Event pipeline throughput: outbox writes, relay publishing, batched consumption vs one-by-one.

    make bench                          (or: .venv/bin/python bench/run.py --events 20000)

Real broker (Tansu), real databases (SQLite file and PostgreSQL), the indexer's real handler.
The baseline, measured in the same run on the same topic, is the same consumer applying one
event per transaction (consumer_max_records=1). Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from contracts import codes
from contracts.events.registry import EnterpriseRegistered
from devstack.broker import Broker, free_port
from devstack.postgres import create_database, drop_database
from indexer.main import spec as indexer_spec
from indexer.models import EnterpriseCount
from registry.main import spec as registry_spec
from servicekit.consumer import ConsumerRunner
from servicekit.db import make_engine, sessionmaker, table_of
from servicekit.kafka import ProducerHolder
from servicekit.migrations import upgrade_async
from servicekit.relay import OutboxRelay
from servicekit.settings import ServiceSettings
from servicekit.uow import UnitOfWork
from testkit.data import random_uscc
from testkit.databases import pg_admin

RESULTS = Path(__file__).parent / "results.md"
_DISTRICTS, _DIVISIONS = list(codes.districts()), list(codes.industry_divisions())


def write_down(text: str) -> None:
    """Print a benchmark's results and append them to bench/results.md."""
    print(text)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(text)
    print(f"appended to {RESULTS}")


def registration(rng: random.Random, i: int, now: datetime, **facts: Any) -> EnterpriseRegistered:
    """Enterprise `i`'s registration: a random valid USCC, unit and division (and any further `facts`)."""
    division = rng.choice(_DIVISIONS)
    return EnterpriseRegistered(
        uscc=random_uscc(rng),
        name=f"企业{i}",
        district_code=rng.choice(_DISTRICTS),
        industry_code=division,
        industry_division=division,
        registered_at=now,
        **facts,
    )


def events(n: int) -> list[EnterpriseRegistered]:
    rng, now = random.Random(1), datetime.now(UTC)
    return [registration(rng, i, now) for i in range(n)]


async def database(kind: str, tmp: Path, created: list[str]) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / (uuid.uuid4().hex[:8] + '.db')}"
    url = await create_database(await pg_admin(), "shuzhuan_bench")
    created.append(url)
    return url


def settings(broker: Broker, url: str, prefix: str, **kw: Any) -> ServiceSettings:
    return ServiceSettings(
        service_name="bench",
        database_url=url,
        kafka_bootstrap_servers=broker.bootstrap,
        topic_prefix=prefix,
        consumer_session_timeout_ms=3000,
        consumer_heartbeat_interval_ms=500,
        relay_poll_interval_s=0.05,
        log_json=False,
        **kw,
    )


async def consume(broker: Broker, url: str, prefix: str, n: int, max_records: int) -> float:
    """Events per second for a fresh group to apply the first `n` events of the topic."""
    await upgrade_async(indexer_spec.migrations_dir, url)
    s = settings(broker, url, prefix, consumer_group=f"bench-{uuid.uuid4().hex[:6]}", consumer_max_records=max_records)
    engine = make_engine(url)
    producers = ProducerHolder(s, [])
    runner = ConsumerRunner(s, sessionmaker(engine), indexer_spec.tables, indexer_spec.subscriptions, producers)
    runner.start()
    async with asyncio.timeout(60):
        await runner.assigned.wait()
    start = time.perf_counter()
    while True:
        async with engine.connect() as conn:
            t = table_of(EnterpriseCount)
            total = await conn.scalar(
                select(func.coalesce(func.sum(t.c.enterprises), 0)).where(t.c.dimension == "district")
            )
        if int(total or 0) >= n:
            break
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - start
    await runner.stop()
    await producers.close()
    await engine.dispose()
    return n / elapsed


async def run_kind(kind: str, broker: Broker, n: int, baseline_n: int, tmp: Path) -> dict[str, float]:
    created: list[str] = []
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    try:
        url = await database(kind, tmp, created)
        await upgrade_async(registry_spec.migrations_dir, url)
        s = settings(broker, url, prefix)
        engine = make_engine(url)
        sessions = sessionmaker(engine)
        evs = events(n)
        start = time.perf_counter()
        for i in range(0, n, 1000):  # outbox rows committed 1,000 per transaction
            async with UnitOfWork(sessions, registry_spec.tables) as uow:
                for e in evs[i : i + 1000]:
                    uow.emit(e)
                await uow.commit()
        outbox_rate = n / (time.perf_counter() - start)
        producers = ProducerHolder(s, [(e.TOPIC.name, e.TOPIC.partitions) for e in evs[:1]])
        relay = OutboxRelay(s, engine, registry_spec.tables, producers)
        start = time.perf_counter()
        relay.start()
        while await relay.backlog():  # noqa: ASYNC110 (polling the database, not an in-process flag)
            await asyncio.sleep(0.02)
        publish_rate = n / (time.perf_counter() - start)
        await relay.stop()
        await producers.close()
        await engine.dispose()
        batched = await consume(broker, await database(kind, tmp, created), prefix, n, 5000)
        one_by_one = await consume(broker, await database(kind, tmp, created), prefix, baseline_n, 1)
        return {"outbox": outbox_rate, "publish": publish_rate, "batched": batched, "one_by_one": one_by_one}
    finally:
        for url in created:
            await drop_database(await pg_admin(), url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--baseline-events", type=int, default=3_000, help="events for the one-by-one baseline")
    args = parser.parse_args()
    broker = Broker(free_port())
    await broker.start_async()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for kind in ("sqlite", "postgresql"):
                r = await run_kind(kind, broker, args.events, args.baseline_events, Path(tmp))
                rows.append(
                    f"| {kind} | {args.events:,} | {r['outbox']:,.0f} | {r['publish']:,.0f} | {r['batched']:,.0f} "
                    f"| {r['one_by_one']:,.0f} | {r['batched'] / r['one_by_one']:.1f}× |"
                )
                print(rows[-1], flush=True)
    finally:
        broker.stop()
    header = (
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.machine()}, {platform.python_version()}, "
        f"2 cores\n\n| database | events | outbox writes/s | relay publishes/s | consumer batched (5,000)/s "
        f"| consumer one-by-one/s (baseline) | batched vs baseline |\n|---|---|---|---|---|---|---|\n"
    )
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(header + "\n".join(rows) + "\n")
    print(f"appended to {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
