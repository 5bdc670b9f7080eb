"""Eligibility for banks under load: N enterprises known to finance, each with a consent for one bank,
32 concurrent bank clients asking `GET /v1/eligibility/{uscc}?product=special-loan` for a fixed time;
throughput and latency (p50, p99) beside a bare FastAPI endpoint answering the same JSON, served the same
way, in the same run. Targets (issue 11): at least 60% of the bare endpoint's throughput, p99 at most
20 ms. Every answered query is also logged by finance (one row each), as in production.

    .venv/bin/python bench/finance_eligibility.py [--n 100000] [--clients 32] [--seconds 20] [--postgres]

Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from e2e import commit, machine
from enterprises import records
from load import LoadResult, load
from served import database, load_table, served, token

from contracts.api.journey import Stage
from finance.facts.standing_repository import refresh_standings
from finance.main import spec
from finance.models import Consent, EligibilityQuery, EnterpriseFacts, FinalAssessment, KnownProject
from servicekit.bulk import insert_rows
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async

RESULTS = Path(__file__).parent / "results.md"
BANK = "bench-bank"
PRODUCT = "special-loan"
ROOT = Path(__file__).resolve().parents[1]


def rows(n: int) -> dict[Any, list[dict[str, Any]]]:
    """Facts, projects, final assessments and consents as finance keeps them after the events."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    out: dict[Any, list[dict[str, Any]]] = {EnterpriseFacts: [], KnownProject: [], FinalAssessment: [], Consent: []}
    stages = list(Stage)
    for i, r in enumerate(records(n)):
        d = r["data"]
        uscc = d["uscc"]
        out[EnterpriseFacts].append(
            {
                "uscc": uscc,
                "name": d["name"],
                "district_code": d["district_code"],
                "industry_division": d["industry_code"][:3],
                "registered_at": now,
                "key_industry_id": None,
                "sub_industry": None,
                "size_class": rng.choices(["micro", "small", "medium"], [70, 25, 5])[0],
                "above_scale": False,
                "tier": None,
                "chain_platforms": [],
                "version": 1,
            }
        )
        if rng.random() < 0.6:
            out[KnownProject].append(
                {
                    "project_id": f"pj_{i:08d}",
                    "uscc": uscc,
                    "district_code": d["district_code"],
                    "provider_id": "pv_bench",
                    "stage": rng.choice(stages).value,
                    "seq": 1,
                    "stage_entered_at": now,
                    "created_at": now,
                }
            )
        if rng.random() < 0.5:
            out[FinalAssessment].append(
                {"assessment_id": f"as_{i:08d}", "uscc": uscc, "level": rng.randint(0, 3), "finalised_at": now}
            )
        out[Consent].append(
            {
                "consent_id": f"cs_{i:016d}",
                "uscc": uscc,
                "district_code": d["district_code"],
                "bank_id": BANK,
                "product_id": PRODUCT,
                "valid_until": date.today() + timedelta(days=365),
                "paper_form_sha256": None,
                "granted_at": now,
                "granted_by": "bench",
                "granted_by_role": "enterprise",
                "revoked_at": None,
                "revoked_by": None,
                "revocation_reason": None,
            }
        )
    return out


async def fill(url: str, n: int) -> list[str]:
    await upgrade_async(spec.migrations_dir, url)
    engine = make_engine(url)
    data = rows(n)
    async with sessionmaker(engine)() as session:
        for model, batch in data.items():
            await insert_rows(session, model, batch)
        await refresh_standings(session, [r["uscc"] for r in data[EnterpriseFacts]])  # as the consumers would
        await session.commit()
    await engine.dispose()
    return [r["uscc"] for r in data[EnterpriseFacts]]


async def count_logged(url: str) -> int:
    engine = make_engine(url)
    async with engine.connect() as conn:
        from sqlalchemy import func, select

        total = int(await conn.scalar(select(func.count()).select_from(EligibilityQuery)) or 0)
    await engine.dispose()
    return total


def report(args: argparse.Namespace, database: str, bare: LoadResult, finance: LoadResult, logged: int) -> str:
    ratio = finance.rps / bare.rps if bare.rps else 0.0
    p99 = finance.percentile(0.99)
    met = "met" if ratio >= 0.6 and p99 <= 20 else "NOT met"
    lines = [
        f"## Eligibility for banks, {args.n:,} enterprises, {database} — "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{machine()}, commit {commit()}. {args.clients} keep-alive bank clients for {args.seconds:.0f} s each "
        "(after 2 s of warm-up), random enterprises, every one with an active consent; the load generator runs "
        "in its own process on the same machine.",
        "",
        *load_table([("bare FastAPI endpoint (baseline)", bare), ("finance `GET /v1/eligibility/{uscc}`", finance)]),
    ]
    lines += [
        "",
        f"Finance at **{ratio:.0%}** of the bare endpoint, p99 **{p99:.1f} ms** (targets ≥ 60 %, ≤ 20 ms: {met}); "
        f"{logged:,} queries logged.",
        "",
    ]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-finance-"))
    bank = token(folder, {"sub": "bench-bank-client", "role": "bank", "bank_id": BANK})
    async with database(folder, "bench_finance", args.postgres) as url:
        t0 = time.perf_counter()
        usccs = await fill(url, args.n)
        print(f"filled {args.n:,} enterprises with consents in {time.perf_counter() - t0:.1f} s", flush=True)
        # the bench measures capacity, not the banks' rate limit
        async with served("finance", url, folder, eligibility_queries_per_minute="0") as s:
            paths = [f"/v1/eligibility/{u}?product={PRODUCT}" for u in usccs]
            common = {"clients": args.clients, "seconds": args.seconds}
            baseline = await load("127.0.0.1", s.bare_port, paths, **common)
            print(f"bare: {baseline.rps:,.0f}/s p99 {baseline.percentile(0.99):.1f} ms", flush=True)
            measured = await load("127.0.0.1", s.port, paths, token=bank, **common)
            print(
                f"finance: {measured.rps:,.0f}/s p99 {measured.percentile(0.99):.1f} ms {measured.errors}", flush=True
            )
        logged = await count_logged(url)
    text = report(args, "PostgreSQL" if args.postgres else "SQLite", baseline, measured, logged)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n" + text)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped by SIGTERM: its services stopped too
    asyncio.run(main())
