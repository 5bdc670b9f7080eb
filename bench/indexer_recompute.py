"""The indexer at city scale: N enterprises' facts (default 1,000,000), a full recount of the aggregate cells from
the facts and the development index computed from them, timed beside a plain GROUP BY over the same table in
the same run; then the dashboard's APIs (`/v1/index`, `/v1/targets`, `/v1/aggregates`) under 32 concurrent
clients beside a bare FastAPI endpoint served the same way.

    .venv/bin/python bench/indexer_recompute.py [--n 1000000] [--clients 32] [--seconds 15] [--postgres]

Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from e2e import commit, machine
from enterprises import records
from load import LoadResult, load
from served import database, load_table, served, token
from sqlalchemy import func, select

from contracts import codes
from indexer.devindex.rules import compute
from indexer.devindex.service import methodology
from indexer.facts.rules import TRANSFORMED_FROM
from indexer.main import spec
from indexer.models import EnterpriseFact
from servicekit.bulk import insert_rows
from servicekit.db import make_engine, sessionmaker, table_of
from servicekit.migrations import upgrade_async
from servicekit.uow import UnitOfWork

RESULTS = Path(__file__).parent / "results.md"
TIERS = [None] * 90 + ["specialised"] * 7 + ["little_giant"] * 2 + ["innovative"]


def facts(n: int) -> list[dict[str, Any]]:
    rng = random.Random(13)
    now = datetime.now(UTC)
    out = []
    for r in records(n):
        d = r["data"]
        code = d["industry_code"]
        level = rng.choices([None, 0, 1, 2, 3, 4], [40, 5, 25, 20, 8, 2])[0]
        out.append(
            {
                "uscc": d["uscc"], "district_code": d["district_code"], "industry_division": code[:3],
                "key_industry_id": rng.choice([None, 1, 2, 3, 4]),
                "sub_industry": "SUB-C367" if code.startswith("C367") else None,
                "tier": rng.choice(TIERS), "size_class": rng.choice(["micro", "small", "medium"]),
                "above_scale": rng.random() < 0.2, "chain_member": rng.random() < 0.05, "version": 1,
                "level": level, "level_at": now if level is not None else None,
                "stage_seq": rng.choice([0, 0, 1, 2, TRANSFORMED_FROM, TRANSFORMED_FROM + 2]),
                "designations": int(rng.random() < 0.01), "demanded": rng.random() < 0.3,
                "adopted": rng.random() < 0.1, "cloud": rng.random() < 0.07,
                "loans": int(rng.random() < 0.03), "subsidies": int(rng.random() < 0.01),
            }
        )  # fmt: skip
    return out


async def fill(url: str, n: int) -> float:
    await upgrade_async(spec.migrations_dir, url)
    rows = facts(n)
    engine = make_engine(url)
    started = time.perf_counter()
    async with sessionmaker(engine)() as session:
        await insert_rows(session, EnterpriseFact, rows)
        await session.commit()
    await engine.dispose()
    return time.perf_counter() - started


async def recompute(url: str) -> dict[str, float]:
    """The recount (facts → cells, written), the index (cells → 41 values and ranks), and the baseline: a plain
    GROUP BY of the same facts by unit, in the same run."""
    from indexer.facts import service as fact_service

    engine = make_engine(url)
    out: dict[str, float] = {}
    try:
        t = table_of(EnterpriseFact)
        async with engine.connect() as conn:
            started = time.perf_counter()
            (await conn.execute(select(t.c.district_code, func.count()).group_by(t.c.district_code))).all()
            out["baseline_group_by_s"] = time.perf_counter() - started
        async with UnitOfWork(sessionmaker(engine), spec.tables, None) as uow:
            started = time.perf_counter()
            result = await fact_service.recount(uow)
            await uow.commit()
            out["recount_s"] = time.perf_counter() - started
            out["cells"] = result["cells"]
        async with UnitOfWork(sessionmaker(engine), spec.tables, None) as uow:
            from indexer.devindex import repository

            started = time.perf_counter()
            totals = await repository.unit_totals(uow.session)
            table = compute(methodology(), {c: totals.get(c, {}) for c in codes.districts()})
            out["index_s"] = time.perf_counter() - started
            out["units_ranked"] = sum(1 for r in table.values() if r["value"] > 0)
    finally:
        await engine.dispose()
    return out


def report(
    args: argparse.Namespace, database: str, fill_s: float, times: dict[str, float], loads: dict[str, LoadResult]
) -> str:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        f"## Indexer at city scale, {args.n:,} enterprises, {database} — {when}",
        "",
        f"{machine()}, commit {commit()}. Facts written in {fill_s:.1f} s (one executemany). Peak RSS of the "
        f"benchmark process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB.",
        "",
        "| step | seconds |",
        "|---|---|",
        "| baseline: `SELECT district_code, count(*) … GROUP BY district_code` over the facts | "
        f"{times['baseline_group_by_s']:.2f} |",
        f"| recount: every fact read, {int(times['cells']):,} cells counted again and written | "
        f"{times['recount_s']:.2f} |",
        "| development index: unit totals from the cells, 41 units normalised, weighted, ranked | "
        f"{times['index_s']:.3f} |",
        "",
        f"{args.clients} keep-alive clients for {args.seconds:.0f} s per endpoint, one indexer process:",
        "",
        *load_table(list(loads.items())),
        "",
    ]  # fmt: skip
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-indexer-"))
    city = token(folder, {"sub": "bench", "role": "city"})
    loads: dict[str, LoadResult] = {}
    async with database(folder, "bench_indexer", args.postgres) as url:
        fill_s = await fill(url, args.n)
        print(f"{args.n:,} facts written in {fill_s:.1f} s", flush=True)
        times = await recompute(url)
        print(times, flush=True)
        async with served("indexer", url, folder) as s:
            common = {"clients": args.clients, "seconds": args.seconds}
            baseline = await load("127.0.0.1", s.bare_port, ["/v1/eligibility/x?product=y"], **common)
            loads["bare FastAPI endpoint (baseline)"] = baseline
            for path in ("/v1/index", "/v1/targets", "/v1/aggregates?cells=false"):
                loads[f"indexer `GET {path}`"] = await load("127.0.0.1", s.port, [path], token=city, **common)
                print(path, loads[f"indexer `GET {path}`"].rps, flush=True)
    text = report(args, "PostgreSQL" if args.postgres else "SQLite", fill_s, times, loads)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write("\n" + text)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stopped by SIGTERM: its services stopped too
    asyncio.run(main())
