"""The push on two cores, measured before it is built: one registry process against two on one PostgreSQL database.

    .venv/bin/python bench/e2e_two_registries.py [--n 200000] [--rounds 2]

The suite starts as `bench/e2e.py --postgres` starts it; the four consumers are stopped (as in e2e's push-alone
stage) and a second `python -m registry serve` starts with the registry's own environment on another port. Then
`--n` other enterprises are pushed over HTTP at a time (10,000-record NDJSON files made beforehand, two requests
in flight) to the one process, or alternating between the two, in turn, `--rounds` times each. Neither API
process publishes: the registry's relay runs alone (`registry-relay`, as under `make run`; until 2026-12-05 both
processes ran their own relay and each event was published twice). Prints records/s per push; the results are
written down in bench/results.md by hand, with what they mean.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from e2e import CONSUMERS, batches, push_all
from e2e_suite import BenchSuite
from served import start, wait_ready

from devstack.broker import free_port


async def measure(n: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="shuzhuan-bench-") as tmp:
        occurred = datetime.now(UTC) - timedelta(hours=1)
        runs = [*(("one process", 1), ("two processes", 2))] * rounds
        sets = [await asyncio.to_thread(batches, n, occurred, Path(tmp) / f"set{k}", k * n) for k in range(len(runs))]
        async with BenchSuite(Path(tmp), postgres=True) as suite:
            credentials = await suite.provider_credentials()
            for name in CONSUMERS:
                await asyncio.to_thread(suite.suite.kill, name, signal.SIGTERM)
            env, port = suite.suite.env_for("registry"), free_port()
            env["SHUZHUAN_REGISTRY_PORT"] = str(port)
            command = [sys.executable, "-m", "registry", "serve"]
            second = await asyncio.to_thread(start, command, env, Path(tmp) / "registry-2.log")
            try:
                urls = [suite.url("registry"), f"http://127.0.0.1:{port}"]
                await wait_ready(f"{urls[1]}/healthz")
                async with httpx.AsyncClient(timeout=600) as client:
                    for (label, processes), bodies in zip(runs, sets, strict=True):
                        seconds = await push_all(client, urls[:processes], credentials, bodies, 2, "created")
                        print(f"{label}: {n / seconds:,.0f} records/s", flush=True)
            finally:
                second.send_signal(signal.SIGTERM)
                await asyncio.to_thread(second.wait, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="enterprises per push")
    parser.add_argument("--rounds", type=int, default=2, help="pushes to one and to two processes, in turn")
    args = parser.parse_args()
    asyncio.run(measure(args.n, args.rounds))


if __name__ == "__main__":
    main()
