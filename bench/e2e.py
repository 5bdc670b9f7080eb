"""End to end: N enterprises pushed by a provider over HTTP until every read model has them.

    make bench-e2e N=1000000                 (or: .venv/bin/python bench/e2e.py --n 1000000 [--postgres])
    .venv/bin/python bench/e2e.py --freshness [--rate 1000 --seconds 60]

Starts the suite as `make run` does (broker, migrations, the five services; SQLite files by default,
`--postgres` for one PostgreSQL database per service), creates and approves a provider with its own
client, and pushes N realistic enterprises (bench/enterprises.py) as that provider would: NDJSON
batches of 10,000 records over HTTP, from export files made before the clock starts. It measures until
every consumer of enterprise events has applied all N (their `events_consumed_total`) and then checks the
read models exactly: the indexer counts N, catalog, assessment and finance each know N. Then the same
files are pushed again (the retry), and, with the consumers stopped, N other enterprises (the push alone).

Reported: total wall time; records/s per stage (push answered, relay published, each consumer
applied), of the retry and of the push alone; CPU seconds and peak RSS per process; and, in the same
run, the machine's ceilings: the same rows through `executemany` (SQLite) or COPY (PostgreSQL) into a
plain table, and N messages of the same size produced and consumed raw through aiokafka on the same
broker. `--freshness` instead sends steady single changes and reports event-to-indexer latency p50/p99.
Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from e2e_ceilings import kafka_ceiling, storage_ceiling
from e2e_freshness import freshness
from e2e_isolation import consumer_alone
from e2e_suite import POSTGRES_SERVER, BenchSuite, Monitor, ProviderCredentials
from enterprises import ndjson, records

RESULTS = Path(__file__).parent / "results.md"
BATCH = 10_000
TYPE = "registry.enterprise.registered"
CONSUMERS = ("catalog", "assessment", "finance", "indexer")


@dataclass
class Run:
    n: int
    database: str
    push_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds from the first push
    total_s: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    rss_mb: dict[str, float] = field(default_factory=dict)
    ceilings: dict[str, float] = field(default_factory=dict)  # records/s
    checks: dict[str, int] = field(default_factory=dict)
    alone: dict[str, float] = field(default_factory=dict)  # consumer → events/s applied with nothing else running
    retry_s: float = 0.0  # the same N pushed again, every record unchanged
    push_alone_s: float = 0.0  # N other enterprises pushed with the consumers stopped
    checks_alone: dict[str, int] = field(default_factory=dict)


def batches(n: int, occurred: datetime, folder: Path, start: int = 0) -> list[tuple[Path, int]]:
    """The n records (ids from `start`, other enterprises for another start) as 10,000-record NDJSON files in
    `folder`, each with its number of records: the provider's export, made before the clock starts. (Made
    while pushing, in the bench's own event loop, they held back its requests: the registry waited for the
    next body, and the bench's own CPU came out of the suite's two cores.)"""
    folder.mkdir(parents=True, exist_ok=True)
    source = records(n, seed=2024 + start, start=start, occurred=occurred)
    out = []
    for b in range(0, n, BATCH):
        size = min(BATCH, n - b)
        path = folder / f"batch-{start + b:09d}.ndjson"
        path.write_bytes(ndjson([next(source) for _ in range(size)]))
        out.append((path, size))
    return out


async def push_all(
    client: httpx.AsyncClient,
    url: str | Sequence[str],
    credentials: ProviderCredentials,
    bodies: Iterable[tuple[Path, int]],
    in_flight: int,
    expect: str,
) -> float:
    """Push the NDJSON bodies, `in_flight` requests at a time (to the registries at `url` in turn, if several);
    seconds taken. Every record must come back `expect` ("created", or "unchanged" for a retry)."""
    slots = asyncio.Semaphore(in_flight)
    urls = [url] if isinstance(url, str) else list(url)

    async def one(i: int, body: Path, size: int) -> None:
        try:
            headers = {"Authorization": f"Bearer {await credentials.token()}", "Content-Type": "application/x-ndjson"}
            content = await asyncio.to_thread(body.read_bytes)
            target = f"{urls[i % len(urls)]}/v1/push/records?results=rejected"
            r = await client.post(target, content=content, headers=headers)
            if r.status_code != 200 or r.json()[expect] != size:
                raise RuntimeError(f"push failed: {r.status_code} {r.text[:500]}")
        finally:
            slots.release()

    start = time.perf_counter()
    tasks = []
    for i, (body, size) in enumerate(bodies):
        await slots.acquire()
        tasks.append(asyncio.create_task(one(i, body, size)))
    await asyncio.gather(*tasks)
    return time.perf_counter() - start


async def measure(args: argparse.Namespace) -> Run:
    run = Run(args.n, "postgresql" if args.postgres else "sqlite")
    with tempfile.TemporaryDirectory(prefix="shuzhuan-bench-") as tmp:
        export = Path(tmp) / "export"
        occurred = datetime.now(UTC) - timedelta(hours=1)
        bodies = await asyncio.to_thread(batches, args.n, occurred, export)
        async with BenchSuite(Path(tmp), postgres=args.postgres) as suite:
            credentials = await suite.provider_credentials()
            monitor = Monitor(suite, TYPE, CONSUMERS)
            await monitor.start()
            t0 = time.perf_counter()
            async with httpx.AsyncClient(timeout=600) as client:
                registry = suite.url("registry")
                push = partial(push_all, client, registry, credentials, in_flight=args.in_flight)
                run.push_s = await push(bodies, expect="created")
                run.stages = await monitor.wait_all(args.n, t0, timeout=args.timeout)
                run.total_s = max(run.stages.values())
                run.cpu, run.rss_mb = monitor.usage()
                run.checks = await suite.read_model_counts(client)
                # the provider sends everything again (a retried upload, its bodies kept): every record unchanged
                run.retry_s = await push(bodies, expect="unchanged")
            await monitor.stop()
            for name in CONSUMERS if args.alone else ():
                run.alone[name] = await consumer_alone(suite, name, TYPE, args.n, Path(tmp), args.timeout)
                print(f"{name} alone: {run.alone[name]:,.0f} events/s", flush=True)
            if args.alone:  # the read models rebuilt alone must hold exactly the same
                async with httpx.AsyncClient(timeout=60) as client:
                    run.checks_alone = await suite.read_model_counts(client)
            # The push stage alone (issue 9's ≥ 20,000 records/s): the consumers stopped, N other enterprises
            # pushed over HTTP into the same registry (its relay still publishing), their bodies made beforehand.
            for name in CONSUMERS:
                await asyncio.to_thread(suite.suite.kill, name, signal.SIGTERM)
            others = await asyncio.to_thread(batches, args.n, occurred, export, args.n)
            async with httpx.AsyncClient(timeout=600) as client:
                run.push_alone_s = await push_all(
                    client, suite.url("registry"), credentials, others, args.in_flight, expect="created"
                )
            print(f"push alone: {args.n / run.push_alone_s:,.0f} records/s", flush=True)
            run.ceilings |= await storage_ceiling(args.n, Path(tmp), args.postgres)
            run.ceilings |= await kafka_ceiling(suite.bootstrap, args.n)
    for name, count in (run.checks | {f"{k}, rebuilt alone": v for k, v in run.checks_alone.items()}).items():
        if count != args.n:
            raise SystemExit(f"{name} holds {count:,} enterprises, not {args.n:,}: the pipeline lost or doubled some")
    return run


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def machine() -> str:
    return f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"


def report(run: Run) -> str:
    n = run.n
    rate = lambda s: f"{n / s:,.0f}" if s else "—"  # noqa: E731
    writers = sum(1 for name in run.cpu if name.startswith("registry."))
    pushes = f"in {writers} writer processes" if writers else "in its serving process"
    lines = [
        f"## End to end, {n:,} enterprises, {run.database} — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{machine()}, commit {commit()}. Suite as under `make run`; one provider client, NDJSON batches of "
        f"{BATCH:,}; the registry applies them {pushes} (`PUSH_WORKERS`). Total (first push → last read model caught "
        f"up): **{run.total_s:,.1f} s, {rate(run.total_s)} enterprises/s**.",
        "",
        "| stage | done after s | records/s | ceiling | ratio |",
        "|---|---|---|---|---|",
    ]
    store = run.ceilings.get("storage", 0)
    produce, consume = run.ceilings.get("kafka_produce", 0), run.ceilings.get("kafka_consume", 0)
    ceiling = {"push answered": store, "relay published": produce}
    ceiling |= {f"{c} applied": min(consume, store) if consume and store else 0 for c in CONSUMERS}
    for stage in ("push answered", "relay published", *(f"{c} applied" for c in CONSUMERS)):
        s = run.push_s if stage == "push answered" else run.stages.get(stage, 0)
        c = ceiling.get(stage, 0)
        ratio = f"{(n / s) / c:.2f}" if s and c else "—"
        lines.append(f"| {stage} | {s:,.1f} | {rate(s)} | {c:,.0f} | {ratio} |")
    lines += [
        "",
        f"Retry: the same {n:,} records pushed again after the run (every one `unchanged`): {run.retry_s:,.1f} s, "
        f"**{rate(run.retry_s)} records/s** answered over HTTP (target 100,000).",
        "",
        f"Push alone: {n:,} other enterprises pushed over HTTP with the consumers stopped (into the registry holding "
        f"the first {n:,}; its relay publishing): {run.push_alone_s:,.1f} s, **{rate(run.push_alone_s)} records/s** "
        "(target 20,000).",
        "",
        f"Ceilings in the same run: {'COPY' if run.database == 'postgresql' else 'executemany'} of the same rows "
        f"into a plain table {store:,.0f} rows/s; raw aiokafka on the same broker: produce {produce:,.0f}/s, "
        f"consume {consume:,.0f}/s.",
        "",
        "| process | CPU s | peak RSS MB |",
        "|---|---|---|",
    ]
    server = run.cpu.get(POSTGRES_SERVER)
    suite_cpu = {k: v for k, v in run.cpu.items() if k != POSTGRES_SERVER}
    for name in sorted(suite_cpu):
        lines.append(f"| {name} | {run.cpu[name]:,.1f} | {run.rss_mb[name]:,.0f} |")
    if server is not None:
        lines.append(f"| {POSTGRES_SERVER} (every backend) | {server:,.1f} | — |")
    if suite_cpu:  # the work itself, whatever the hour's speed: compare this across runs, not the wall time alone
        total = sum(suite_cpu.values())
        lines += ["", f"CPU per enterprise, every process: **{total / n * 1e6:,.0f} µs** ({total:,.1f} CPU-s)."]
        if server is not None:
            lines[-1] += f" The PostgreSQL server's own processes: {server / n * 1e6:,.0f} µs more."
        registry = sum(v for k, v in run.cpu.items() if k == "registry" or k.startswith("registry."))
        if registry:  # the serving process and its writers (registry.1, …), not the relay
            consumers = sum(run.cpu.get(c, 0) for c in CONSUMERS)
            lines[-1] += f" The consumers' CPU per the registry's: {consumers / registry:.2f}."
    if run.alone:
        lines += [
            "",
            "Each consumer alone (restarted after the run on a fresh database, in a group of its own, the rest idle):",
            "",
        ]
        lines += ["| consumer | events/s alone | target |", "|---|---|---|"]
        lines += [f"| {name} | {rate:,.0f} | 30,000 |" for name, rate in run.alone.items()]
        rebuilt = ", ".join(f"{k} {v:,}" for k, v in run.checks_alone.items())
        lines += ["", f"Read models rebuilt alone, checked: {rebuilt}."]
    lines.append("")
    checks = ", ".join(f"{k} {v:,}" for k, v in run.checks.items())
    lines.append(f"Read models checked after the run: {checks}.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="enterprises to push")
    parser.add_argument("--postgres", action="store_true", help="one PostgreSQL database per service")
    parser.add_argument("--in-flight", type=int, default=2, help="push requests in flight at once")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait for the read models")
    parser.add_argument("--freshness", action="store_true", help="steady changes: event-to-indexer latency")
    parser.add_argument("--rate", type=int, default=1000, help="freshness: changes per second")
    parser.add_argument("--seconds", type=int, default=60, help="freshness: how long")
    parser.add_argument("--alone", action="store_true", help="then each consumer alone, on a fresh database")
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    # Stopped by SIGTERM (`timeout`, a CI job's end) as by Ctrl-C: the suite's processes are stopped on the way
    # out, not left running (and taking the machine's cores from the next run).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    text = asyncio.run(freshness(args)) if args.freshness else report(asyncio.run(measure(args)))
    print(text)
    if not args.no_write:
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + text)
        print(f"appended to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
