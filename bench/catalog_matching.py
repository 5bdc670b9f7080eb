"""Matching under load: 5,000 listed solutions and 100,000 enterprises known to the catalog (60% with a
finalised assessment, the rest with a posted demand), 32 concurrent clients asking
`GET /v1/enterprises/{uscc}/matches` for a fixed time; throughput and latency (p50, p99) beside a bare FastAPI
endpoint served the same way, in the same run. Target (issue 12): p99 at most 50 ms.

    .venv/bin/python bench/catalog_matching.py [--solutions 5000] [--n 100000] [--clients 32] [--postgres]

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
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from e2e import commit, machine
from enterprises import records
from load import LoadResult, load
from served import database, load_table, served, token

from catalog.main import spec
from catalog.models import (
    Adoption,
    Demand,
    EnterpriseProfile,
    KnownProvider,
    LatestAssessment,
    Outcome,
    Rating,
    Solution,
    SolutionScene,
)
from catalog.solutions.rules import price_after_discount
from contracts.codes import miit_scenes, solution_categories
from servicekit.bulk import insert_rows
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async

RESULTS = Path(__file__).parent / "results.md"
SCENES = list(miit_scenes())
DIVISIONS = ["C33", "C34", "C35", "C36", "C38", "C39", "C26", "C29", "C13", "C14"]


def solutions(n: int, rng: random.Random, now: datetime) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {KnownProvider: [], Solution: [], SolutionScene: []}
    providers = [f"pv_{i:04d}" for i in range(200)]
    for p in providers:
        out[KnownProvider].append(
            {
                "provider_id": p,
                "name": p,
                "status": "approved",
                "quality_score": Decimal(rng.randint(50, 100)),
                "quality_at": now,
            }
        )
    for i in range(n):
        scenes = {s: rng.randint(2, 4) for s in rng.sample(SCENES, rng.randint(1, 4))}
        industries = rng.sample(DIVISIONS, rng.randint(1, 3)) if rng.random() < 0.7 else []
        price, discount = rng.randint(5, 500) * 10_000, Decimal(rng.choice([0, 5, 10, 20, 30]))
        sid = f"so_{i:016x}"
        out[Solution].append(
            {
                "solution_id": sid,
                "provider_id": rng.choice(providers),
                "status": "listed",
                "listed_revision": 1,
                "pending_revision": None,
                "rejected_revision": None,
                "name": f"方案{i}",
                "category": rng.choice(list(solution_categories())),
                "delivery": ["saas"],
                "scenes": scenes,
                "items": [f"{rng.randint(1, 3)}.{rng.randint(1, 9)}.{rng.randint(1, 5)}" for _ in range(3)],
                "industries": industries,
                "lowest_price_fen": price,
                "discount_pct": discount,
                "discount_centi": int(discount * 100),
                "price_after_discount_fen": price_after_discount(price, discount),
                "deploy_days": rng.randint(7, 180),
                "search_text": f"方案{i}",
                "listed_at": now,
                "review_due": None,
                "suspension_reason": None,
                "appeal": None,
                "appealed_at": None,
                "created_at": now,
                "updated_at": now,
            }
        )
        out[SolutionScene] += [{"scene": s, "solution_id": sid, "to_level": lvl} for s, lvl in scenes.items()]
    return out


def enterprises(n: int, solution_ids: list[str], rng: random.Random, now: datetime) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {EnterpriseProfile: [], LatestAssessment: [], Demand: [], Adoption: []}
    out |= {Outcome: [], Rating: []}
    for i, r in enumerate(records(n)):
        d = r["data"]
        uscc, code = d["uscc"], d["industry_code"]
        out[EnterpriseProfile].append(
            {
                "uscc": uscc,
                "name": d["name"],
                "district_code": d["district_code"],
                "industry_division": code[:3],
                "registered_at": now,
                "industry_code": code,
                "sub_industry": None,
                "version": 1,
            }
        )
        if rng.random() < 0.6:
            levels = {s: rng.randint(0, 3) for s in SCENES}
            weak = [s for _, s in sorted((lvl, s) for s, lvl in levels.items())][:3]
            out[LatestAssessment].append(
                {
                    "uscc": uscc,
                    "assessment_id": f"as_{i:08d}",
                    "finalised_at": now,
                    "level": 1,
                    "scene_levels": levels,
                    "weak_scenes": weak,
                    "weak_items": ["2.3.1"],
                }
            )
        else:
            out[Demand].append(
                {
                    "demand_id": f"dm_{i:016x}",
                    "uscc": uscc,
                    "district_code": d["district_code"],
                    "sub_industry": None,
                    "industry_code": code,
                    "source": "posted",
                    "derived_for": None,
                    "assessment_id": None,
                    "assessed_at": None,
                    "scenes": rng.sample(SCENES, 2),
                    "items": [],
                    "budget_fen": rng.randint(10, 300) * 10_000,
                    "needed_by": None,
                    "note": None,
                    "status": "open",
                    "closed_reason": None,
                    "posted_by": "bench",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        if rng.random() < 0.1:
            sid = rng.choice(solution_ids)
            aid = f"ad_{i:016x}"
            out[Adoption].append(
                {
                    "adoption_id": aid,
                    "uscc": uscc,
                    "district_code": d["district_code"],
                    "sub_industry": None,
                    "solution_id": sid,
                    "provider_id": "pv_0000",
                    "project_id": None,
                    "delivery": "saas",
                    "cloud": True,
                    "adopted_on": now.date(),
                    "recorded_by": "bench",
                    "created_at": now,
                    "notice": None,
                    "notice_at": None,
                }
            )
            pct = Decimal(rng.randint(-5, 40))
            out[Outcome].append(
                {
                    "outcome_id": f"oc_{i:016x}",
                    "adoption_id": aid,
                    "solution_id": sid,
                    "provider_id": "pv_0000",
                    "sub_industry": None,
                    "metric": "energy",
                    "unit": "kWh",
                    "before": Decimal(100),
                    "after": Decimal(100) - pct,
                    "improvement_pct": pct,
                    "improved": pct > 0,
                    "measured_on": now.date(),
                    "note": None,
                    "recorded_by": "bench",
                    "recorded_at": now,
                    "verified_by": "bench",
                    "verified_at": now,
                }
            )
            out[Rating].append(
                {
                    "adoption_id": aid,
                    "uscc": uscc,
                    "provider_id": f"pv_{rng.randint(0, 199):04d}",
                    "solution_id": sid,
                    "stars": rng.randint(1, 5),
                    "comment": None,
                    "rated_at": now,
                }
            )
    return out


async def fill(url: str, n_solutions: int, n: int) -> list[str]:
    await upgrade_async(spec.migrations_dir, url)
    rng, now = random.Random(12), datetime.now(UTC)
    supply = solutions(n_solutions, rng, now)
    demand = enterprises(n, [s["solution_id"] for s in supply[Solution]], rng, now)
    engine = make_engine(url)
    async with sessionmaker(engine)() as session:
        for model, batch in (supply | demand).items():
            await insert_rows(session, model, batch)
        await session.commit()
    await engine.dispose()
    return [r["uscc"] for r in demand[EnterpriseProfile]]


def report(args: argparse.Namespace, database: str, bare: LoadResult, catalog: LoadResult) -> str:
    p99 = catalog.percentile(0.99)
    lines = [
        f"## Matching, {args.solutions:,} solutions × {args.n:,} enterprises, {database} — "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"{machine()}, commit {commit()}. {args.clients} keep-alive clients for {args.seconds:.0f} s each "
        "(after 2 s of warm-up), random enterprises (60% assessed, 40% with a posted demand), top 10 with "
        "reasons; one catalog process; the load generator runs in its own process on the same machine.",
        "",
        *load_table(
            [("bare FastAPI endpoint (baseline)", bare), ("catalog `GET /v1/enterprises/{uscc}/matches`", catalog)]
        ),
    ]
    lines += [
        "",
        f"Matching at {catalog.rps / bare.rps if bare.rps else 0:.0%} of the bare endpoint's throughput, "
        f"p99 **{p99:.1f} ms** (target ≤ 50 ms: {'met' if p99 <= 50 else 'NOT met'}).",
        "",
    ]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solutions", type=int, default=5_000)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    city = token(folder, {"sub": "bench", "role": "city"})
    async with database(folder, "bench_catalog", args.postgres) as url:
        t0 = time.perf_counter()
        usccs = await fill(url, args.solutions, args.n)
        print(f"filled {args.solutions:,} solutions and {args.n:,} enterprises in {time.perf_counter() - t0:.1f} s")
        async with served("catalog", url, folder) as s:
            paths = [f"/v1/enterprises/{u}/matches" for u in usccs]
            common = {"clients": args.clients, "seconds": args.seconds}
            baseline = await load("127.0.0.1", s.bare_port, paths, **common)
            print(f"bare: {baseline.rps:,.0f}/s p99 {baseline.percentile(0.99):.1f} ms", flush=True)
            measured = await load("127.0.0.1", s.port, paths, token=city, **common)
            print(
                f"catalog: {measured.rps:,.0f}/s p99 {measured.percentile(0.99):.1f} ms {measured.errors}", flush=True
            )
    text = report(args, "PostgreSQL" if args.postgres else "SQLite", baseline, measured)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n" + text)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped by SIGTERM: its services stopped too
    asyncio.run(main())
