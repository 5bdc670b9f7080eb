"""Freshness under steady load: enterprise changes at a steady rate, event-to-indexer latency p50/p99.

The latency is the indexer's own `event_age_seconds` histogram for `registry.enterprise.updated`: from
the event's time (the commit of the change in the registry) to its application by the indexer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from e2e_suite import BenchSuite, cpu_seconds, processes
from enterprises import ndjson, records
from load import RawClient

UPDATED = "registry.enterprise.updated"
_BUCKET = re.compile(r"^event_age_seconds_bucket\{([^}]*)\} ([0-9.e+]+)$", re.M)
SMALL_BATCH = 50  # records per push; one in ten changes is a single PATCH instead


def buckets(text: str, service: str, event_type: str) -> list[tuple[float, float]]:
    """(upper bound, cumulative count) of the histogram, in order."""
    out = []
    for labels, value in _BUCKET.findall(text):
        if f'service="{service}"' in labels and f'type="{event_type}"' in labels:
            le = re.search(r'le="([^"]+)"', labels)
            assert le is not None
            out.append((float("inf") if le.group(1) == "+Inf" else float(le.group(1)), float(value)))
    return sorted(out)


def quantile(before: list[tuple[float, float]], after: list[tuple[float, float]], q: float) -> float:
    """The q-quantile of what was observed between two scrapes (linear within a bucket)."""
    base = dict(before)
    counts = [(le, c - base.get(le, 0.0)) for le, c in after]
    total = counts[-1][1]
    if total <= 0:
        return float("nan")
    rank, prev_le, prev_c = q * total, 0.0, 0.0
    for le, c in counts:
        if c >= rank:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * ((rank - prev_c) / max(c - prev_c, 1e-9))
        prev_le, prev_c = le, c
    return prev_le


async def freshness(args: argparse.Namespace) -> str:
    base = 10_000
    with tempfile.TemporaryDirectory(prefix="shuzhuan-fresh-") as tmp:
        async with BenchSuite(Path(tmp), postgres=args.postgres) as suite:
            token = await (await suite.provider_credentials()).token()
            admin = await asyncio.to_thread(suite.suite.admin_token)
            provider = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
            city = {"Authorization": f"Bearer {admin}"}
            registry = suite.url("registry")
            known = list(records(base))
            limits = httpx.Limits(max_connections=256, max_keepalive_connections=256, keepalive_expiry=2)
            async with httpx.AsyncClient(timeout=httpx.Timeout(120, pool=None), limits=limits) as c:
                r = await c.post(
                    f"{registry}/v1/push/records?results=rejected", content=ndjson(known), headers=provider
                )
                assert r.status_code == 200 and r.json()["created"] == base, r.text
                metrics_url = f"{suite.url('indexer')}/metrics"
                await asyncio.sleep(5)  # let the initial load settle before the window opens
                before = buckets((await c.get(metrics_url)).text, "indexer", UPDATED)
                cpu_before = {name: cpu_seconds(pid) for name, pid in processes(suite).items()}
                started = time.perf_counter()
                host, port = registry.removeprefix("http://").rsplit(":", 1)
                raw = RawClient(host, int(port))
                try:
                    sent, failed = await steady_changes(raw, provider, city, known, args.rate, args.seconds)
                finally:
                    await raw.close()
                answered_in = time.perf_counter() - started
                await asyncio.sleep(5)  # the tail of the window reaches the indexer
                after = buckets((await c.get(metrics_url)).text, "indexer", UPDATED)
                window = time.perf_counter() - started
                cpu = {name: cpu_seconds(pid) - cpu_before.get(name, 0.0) for name, pid in processes(suite).items()}
    applied = after[-1][1] - dict(before).get(float("inf"), 0.0) if after else 0
    p50, p99 = quantile(before, after, 0.5), quantile(before, after, 0.99)
    return (
        f"## Freshness, {args.rate:,} changes/s for {args.seconds} s, "
        f"{'postgresql' if args.postgres else 'sqlite'} — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n"
        f"Pushes of {SMALL_BATCH} records and single PATCHes (one change in ten) at a steady rate; "
        f"{sent:,} changes sent in {args.seconds} s, all answered after {answered_in:,.1f} s "
        f"({sent / answered_in:,.0f} changes/s answered; {failed} requests refused, e.g. a PATCH and a push of "
        f"the same enterprise at once), {applied:,.0f} applied by the indexer in the window.\n\n"
        "| event-to-indexer latency | p50 | p99 |\n|---|---|---|\n"
        f"| `registry.enterprise.updated` | {p50 * 1000:,.0f} ms | {p99 * 1000:,.0f} ms |\n\n"
        f"CPU seconds per process in the {window:,.0f} s from the first change to the last scrape: "
        + ", ".join(f"{name} {seconds:,.1f}" for name, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]))
        + ".\n"
    )


async def steady_changes(
    raw: RawClient,
    provider: dict[str, str],
    city: dict[str, str],
    known: list[dict[str, Any]],
    rate: int,
    seconds: int,
) -> tuple[int, int]:
    """Change `rate` enterprises a second for `seconds`: employees +1, a new version each time, sent open-loop
    (on schedule, whatever the answers' pace) over raw keep-alive connections (bench/load.py's RawClient).
    Returns (changes sent, requests that were not answered 200)."""
    rng = random.Random(5)
    version = {r["record_id"]: 1 for r in known}
    patch_headers = {**city, "Content-Type": "application/json"}
    tick = 0.1
    per_tick = max(1, rate // 10)
    sent = 0
    start = time.perf_counter()
    pending: set[asyncio.Task[tuple[int, bytes]]] = set()
    finished: set[asyncio.Task[tuple[int, bytes]]] = set()
    for step in range(int(seconds / tick)):
        chosen = rng.sample(known, per_tick)
        patches, pushed = chosen[: per_tick // 10], chosen[per_tick // 10 :]
        for r in patches:
            r["data"]["employees"] += 1
            body = json.dumps({"employees": r["data"]["employees"]}).encode()
            path = f"/v1/enterprises/{r['data']['uscc']}"
            pending.add(asyncio.create_task(raw.request("PATCH", path, body, patch_headers)))
        for i in range(0, len(pushed), SMALL_BATCH):
            batch = []
            for r in pushed[i : i + SMALL_BATCH]:
                version[r["record_id"]] += 1
                r["data"]["employees"] += 1
                batch.append({**r, "version": version[r["record_id"]]})
            path = "/v1/push/records?results=rejected"
            pending.add(asyncio.create_task(raw.request("POST", path, ndjson(batch), provider)))
        sent += per_tick
        done = {t for t in pending if t.done()}
        pending -= done
        finished |= done
        await asyncio.sleep(max(0.0, start + (step + 1) * tick - time.perf_counter()))
    answers = await asyncio.gather(*pending, *finished)
    return sent, sum(1 for status, _ in answers if status != 200)
