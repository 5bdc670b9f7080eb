"""What a consumer's handlers cost per registration as its read models grow to a city's size, without the broker.

    .venv/bin/python bench/apply_at_scale.py --service catalog [--n 1000000] [--batch 5000] [--postgres]

The service's own handler of `registry.enterprise.registered` is given the events as its consumer gives them:
batches of `--batch` (the consumer's `consumer_max_records`), one unit of work and one commit each, on a
migrated database of the service (a fresh SQLite file by default). Only the handler and the commit are timed:
the events are made before each batch's clock starts, and nothing is fetched or validated (bench/per_event.py
times that part). µs per event are reported per fifth of the events, so the last fifth is the cost at about
`--n` enterprises. The garbage collector is tuned as the service tunes it (`servicekit.app.tune_gc`). For an
A/B, run the same command with the other code first on PYTHONPATH (bench/README.md). Results are appended to
bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import platform
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from run import database, registration, write_down

from contracts.events.registry import EnterpriseRegistered
from devstack.postgres import drop_database
from servicekit.app import tune_gc
from servicekit.consumer import Received
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async
from servicekit.uow import UnitOfWork
from testkit.databases import pg_admin

SIZES = ["micro", "small", "medium", None]


def batch_of(rng: random.Random, start: int, n: int, now: datetime) -> list[Received[EnterpriseRegistered]]:
    """`n` registrations as the registry publishes them after a push (profile facts filled as a provider would)."""
    out = []
    for i in range(start, start + n):
        facts = {
            "size_class": rng.choice(SIZES),
            "above_scale": rng.random() < 0.1,
            "chain_platforms": ["p1"] if rng.random() < 0.05 else [],
        }
        event = registration(rng, i, now, **facts)
        out.append(Received(id=f"ev{i}", time=now, source="/shuzhuan/registry", payload=event))
    return out


def fifths(batches: list[tuple[int, float]]) -> list[float]:
    """µs per event over each fifth of the batches (in order)."""
    groups: list[list[tuple[int, float]]] = [[] for _ in range(min(5, len(batches)))]
    for i, b in enumerate(batches):
        groups[i * len(groups) // len(batches)].append(b)
    return [sum(t for _, t in g) / sum(k for k, _ in g) * 1e6 for g in groups]


async def run(service: str, n: int, batch: int, kind: str, tmp: Path) -> list[float]:
    """µs per event of each fifth of the events."""
    spec = importlib.import_module(f"{service}.main").spec
    created: list[str] = []
    url = await database(kind, tmp, created)
    await upgrade_async(spec.migrations_dir, url)
    handler = {s.event: s.handler for s in spec.all_subscriptions()}[EnterpriseRegistered]
    tune_gc(spec.settings_cls().gc_threshold)  # as the service does at start (servicekit.app)
    engine = make_engine(url)
    sessions = sessionmaker(engine)
    rng, now = random.Random(7), datetime.now(UTC)
    batches: list[tuple[int, float]] = []  # (events, seconds) of each batch
    try:
        while (done := sum(k for k, _ in batches)) < n:
            events = batch_of(rng, done, min(batch, n - done), now)
            t0 = time.perf_counter()
            async with UnitOfWork(sessions, spec.tables, None) as uow:
                await handler(uow, events)
                await uow.commit()
            batches.append((len(events), time.perf_counter() - t0))
            if len(batches) % max(1, len(range(0, n, batch)) // 20) == 0:
                print(f"{done + len(events):>9,}  {batches[-1][1] / len(events) * 1e6:.1f} µs/event", flush=True)
        return fifths(batches)
    finally:
        await engine.dispose()
        for created_url in created:
            await drop_database(await pg_admin(), created_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", required=True, choices=["catalog", "assessment", "finance", "indexer"])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--label", default="", help="what code this is, for an A/B (e.g. 'starting code')")
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    kind = "postgresql" if args.postgres else "sqlite"
    with tempfile.TemporaryDirectory(prefix="shuzhuan-apply-") as tmp:
        fifths = asyncio.run(run(args.service, args.n, args.batch, kind, Path(tmp)))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    cells = " | ".join(f"{us:.1f}" for us in fifths)
    text = (
        f"\n### Registrations applied at scale, {args.service} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n\n"
        f"{platform.machine()}, Python {platform.python_version()}, commit {commit}; {kind}, {args.n:,} "
        f"registrations in batches of {args.batch:,} through the service's handler (no broker): µs per event by "
        f"fifth of the events\n\n| service | 1st | 2nd | 3rd | 4th | 5th |\n|---|---|---|---|---|---|\n"
        f"| {args.service}{' (' + args.label + ')' if args.label else ''} | {cells} |\n"
    )
    print(text) if args.no_write else write_down(text)


if __name__ == "__main__":
    main()
