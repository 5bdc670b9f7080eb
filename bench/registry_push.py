"""Provider push throughput (interface v1) vs the bulk import of the same enterprises, SQLite and PostgreSQL.

    .venv/bin/python bench/registry_push.py [--records 10000] [--batches 3]

Push = an NDJSON batch of 10,000 enterprise records taken as the route takes it (`registry.push.accept_lines`:
read and check every line, idempotency lookups, enterprise + event (version 1 stays on the row), push records, the batch
report, one transaction). A retry = the same batch again (every record `unchanged`), twice: every record read
and checked again (`parse_batch` + `accept_batch`, the path of a JSON batch: the baseline), and the lines known
by their digest (`accept_lines`). Baseline for the push (same run, same enterprises): the bulk import path
(`registry.transfer.service.import_list`), which stores the same enterprise + event rows without the
push bookkeeping. Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from registry_import import RESULTS, fresh_db
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts import codes
from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import EnterpriseCreate
from contracts.push import PushReport, parse_batch
from devstack.postgres import drop_database
from registry.models import Provider, tables
from registry.push.service import accept_batch, accept_lines
from registry.transfer.reading import ParsedList
from registry.transfer.service import import_list
from servicekit.db import make_engine, sessionmaker
from servicekit.memory import gc_paused
from servicekit.uow import UnitOfWork
from testkit.data import random_uscc
from testkit.databases import pg_admin

PROVIDER = TokenClaims(sub="bench-provider", role=Role.PROVIDER, provider_id="pv_bench", iat=0, exp=0)
CITY = TokenClaims(sub="bench", role=Role.CITY, iat=0, exp=0)


def records(n: int) -> list[dict[str, object]]:
    rng = random.Random(10_000)
    districts = list(codes.districts())
    seen: set[str] = set()
    out: list[dict[str, object]] = []
    when = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    while len(out) < n:
        u = random_uscc(rng)
        if u in seen:
            continue
        seen.add(u)
        data = {
            "uscc": u,
            "name": f"企业{len(out)}",
            "district_code": rng.choice(districts),
            "industry_code": f"C{rng.randint(13, 43)}",
            "employees": rng.randint(5, 900),
            "revenue_yuan": f"{rng.uniform(1e5, 5e8):.2f}",
            "revenue_year": 2025,
        }
        out.append(
            {"record_id": f"erp-{len(out)}", "version": 1, "kind": "enterprise", "occurred_at": when, "data": data}
        )
    return out


async def add_provider(engine: AsyncEngine) -> None:
    """The approved provider `PROVIDER` pushes as."""
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(Provider).values(
                provider_id="pv_bench",
                name="bench",
                uscc="91440300708461136T",
                categories=[],
                platforms=[],
                status="approved",
                status_reason=None,
                created_at=now,
                status_changed_at=now,
            )
        )


async def run(kind: str, batch: list[dict[str, object]], tmp: Path) -> dict[str, float]:
    created: list[str] = []
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in batch).encode()
    n = len(batch)
    try:
        url = await fresh_db(kind, tmp, created)
        engine = make_engine(url)
        await add_provider(engine)
        t = time.perf_counter()
        parse_batch(body, "ndjson")
        parse_s = time.perf_counter() - t

        async def push(how: str) -> float:
            t = time.perf_counter()
            with gc_paused():  # as the route runs it
                report = await push_once(how)
            assert report.rejected == 0
            assert report.created == n or report.unchanged == n
            return time.perf_counter() - t

        async def push_once(how: str) -> PushReport:
            async with UnitOfWork(sessionmaker(engine), tables) as uow:
                if how == "lines":  # as the route takes NDJSON: lines accepted before known by their digest
                    report = await accept_lines(uow, PROVIDER, body, 7)
                else:  # every record read and checked again
                    report = await accept_batch(uow, PROVIDER, parse_batch(body, "ndjson"), 7)
                await uow.commit()
            return report

        timings = [await push("lines"), await push("parse"), await push("lines")]
        await engine.dispose()
        # Baseline: the same enterprises through the bulk-import path.
        cmds = [(i + 2, EnterpriseCreate.model_validate(r["data"])) for i, r in enumerate(batch)]
        url = await fresh_db(kind, tmp, created)
        engine = make_engine(url)
        t = time.perf_counter()
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            await import_list(uow, CITY, ParsedList(rows=n, good=cmds, errors=[]), "bench")
            await uow.commit()
        import_s = time.perf_counter() - t
        await engine.dispose()
        return {
            "records": n,
            "parse": n / parse_s,
            "push": n / timings[0],
            "reread": n / timings[1],
            "retry": n / timings[2],
            "import": n / import_s,
        }
    finally:
        for url in created:
            await drop_database(await pg_admin(), url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=3, help="repeat each measurement this many times")
    args = parser.parse_args()
    batch = records(args.records)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sqlite", "postgresql"):
            for _ in range(args.batches):
                r = await run(kind, batch, Path(tmp))
                lines.append(
                    f"| {kind} | {r['records']:,.0f} | {r['parse']:,.0f} | {r['push']:,.0f} | {r['reread']:,.0f} "
                    f"| {r['retry']:,.0f} | {r['import']:,.0f} | {r['push'] / r['import']:.2f} |"
                )
                print(lines[-1], flush=True)
    header = (
        f"\n## Provider push — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.machine()}, "
        f"{platform.python_version()}, 2 cores\n\n"
        "| database | records per batch | read+check records/s | push (read, check, apply) records/s "
        "| retry, every record read again (baseline) records/s | retry, lines known by digest records/s "
        "| bulk import of the same rows/s (baseline) | push ÷ import |\n|---|---|---|---|---|---|---|---|\n"
    )
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(header + "\n".join(lines) + "\n")
    print(f"appended to {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
