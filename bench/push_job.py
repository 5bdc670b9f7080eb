"""The push job's CPU per record as the registry grows, against another checkout's, in the same minutes.

    .venv/bin/python bench/push_job.py [--n 1200000 --last 200000] [--against /path/to/other/checkout]

One provider's NDJSON batches of 10,000 (bench/enterprises.py) applied by `registry.push.jobs.push_batch`, as a
writer process applies them, one after another in this process on a fresh SQLite file (the bulk engine's page
cache), until the registry holds N; no HTTP, no relay, no other writer. Reported: process CPU-µs per record over
the first and the last `--last` records (the last are the cost at about N). The machine's speed drifts by a fifth
within an hour, so with `--against` the same run is made by the other checkout's code at the same time, in a
second process (one per core): both meet the same hour. Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
SOURCES = ("contracts/src", "libs/servicekit/src", "libs/testkit/src", "libs/readmodels/src", "deploy/devstack/src")


def pythonpath(checkout: Path) -> str:
    """The checkout's packages first on the path (a `git worktree` of another commit)."""
    services = sorted(str(p) for p in (checkout / "services").glob("*/src"))
    return os.pathsep.join([str(checkout / s) for s in SOURCES] + services)


async def measure(n: int, last: int) -> dict[str, float]:
    """Push n records in batches of 10,000 into a fresh registry; CPU-µs per record, first and last `last`."""
    sys.path.insert(0, str(HERE))
    import enterprises  # bench/enterprises.py
    from registry_push import PROVIDER, add_provider

    from registry.main import spec
    from registry.models import tables
    from registry.push.jobs import push_batch
    from servicekit.db import make_engine, sessionmaker
    from servicekit.migrations import upgrade_async
    from servicekit.uow import UnitOfWork

    with tempfile.TemporaryDirectory(prefix="shuzhuan-push-job-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'registry.db'}"
        await upgrade_async(spec.migrations_dir, url)
        engine = make_engine(url, pool_size=1, max_overflow=0, sqlite_cache_mib=64)  # as the bulk engine
        await add_provider(engine)
        records = enterprises.records(n, occurred=datetime.now(UTC) - timedelta(hours=1))
        sessions, cpu = sessionmaker(engine), []
        for _ in range(n // 10_000):
            body = enterprises.ndjson([next(records) for _ in range(10_000)])
            start = time.process_time()
            report = await push_batch(UnitOfWork(sessions, tables), PROVIDER, body, "application/x-ndjson", 7, False)
            cpu.append(time.process_time() - start)
            if report.created != 10_000:
                raise SystemExit(f"a batch was not applied in full: {report.model_dump_json()[:500]}")
        await engine.dispose()
    k = last // 10_000
    return {"first": 1e6 * sum(cpu[:k]) / last, "last": 1e6 * sum(cpu[-k:]) / last}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_200_000, help="records pushed (the registry's size at the end)")
    parser.add_argument("--last", type=int, default=200_000, help="records at each end the CPU is reported over")
    parser.add_argument("--against", type=Path, help="another checkout (a git worktree) run at the same time")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single measurement, as JSON
    parser.add_argument("--no-write", action="store_true", help="print the results only")
    args = parser.parse_args()
    if args.n % 10_000 or args.last % 10_000 or not 0 < args.last <= args.n:
        parser.error("--n and --last are multiples of 10,000, and --last is at most --n")
    if args.one:
        print(json.dumps(asyncio.run(measure(args.n, args.last))))
        return 0
    command = [sys.executable, __file__, "--one", "--n", str(args.n), "--last", str(args.last)]
    runs = {"this checkout": subprocess.Popen(command, stdout=subprocess.PIPE, text=True)}
    if args.against is not None:
        env = os.environ | {"PYTHONPATH": pythonpath(args.against.resolve())}
        runs[f"{args.against}"] = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    results = {}
    for name, process in runs.items():
        out, _ = process.communicate()
        if process.returncode:
            raise SystemExit(f"{name}: the measurement failed ({process.returncode})")
        results[name] = json.loads(out.strip().splitlines()[-1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [
        f"## Push job, {args.n:,} records into one registry, SQLite — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores, commit {commit}. "
        "`bench/push_job.py`: `push_batch` in one process, batches of 10,000, no HTTP or relay"
        + (", the two codes at the same time, one process each" if args.against else "")
        + ".",
        "",
        f"| code | CPU-µs per record, first {args.last:,} | last {args.last:,} |",
        "|---|---|---|",
        *[f"| {name} | {r['first']:.1f} | {r['last']:.1f} |" for name, r in results.items()],
        "",
    ]
    print("\n".join(lines))
    if not args.no_write:
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
