"""Registry bulk import throughput vs a plain bulk insert of the same rows, SQLite and PostgreSQL.

    .venv/bin/python bench/registry_import.py [--rows 100000]

Import = parse the CSV, validate every row, derive the profile, store enterprise + outbox
event in one transaction. Baseline (same run, same rows): INSERT of the already-validated enterprise
rows alone, 1,000 per statement, one transaction. Results are appended to bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import platform
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from contracts import codes
from contracts.api.identity import Role, TokenClaims
from devstack.postgres import create_database, drop_database
from registry.enterprises.service import new_enterprise, row_values
from registry.main import spec
from registry.models import Enterprise, tables
from registry.transfer.reading import parse_list
from registry.transfer.service import import_list
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async
from servicekit.uow import UnitOfWork
from testkit.data import random_uscc
from testkit.databases import pg_admin

RESULTS = Path(__file__).parent / "results.md"
ACTOR = TokenClaims(sub="bench", role=Role.CITY, iat=0, exp=0)


def pilot_csv(n: int) -> bytes:
    rng = random.Random(2027)
    districts = list(codes.districts())
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(
        [
            "企业名称",
            "统一社会信用代码",
            "2023年度主营业务收入（万元）",
            "是否专精特新“小巨人”企业或专精特新中小企业",
            "区县",
            "行业代码",
        ]
    )
    seen: set[str] = set()
    while len(seen) < n:
        u = random_uscc(rng)
        if u in seen:
            continue
        seen.add(u)
        w.writerow(
            [
                f"企业{len(seen)}",
                u,
                f"{rng.uniform(50, 50000):.2f}",
                rng.choice(["否", "专精特新", "小巨人"]),
                rng.choice(districts),
                f"C{rng.randint(13, 43)}",
            ]
        )
    return out.getvalue().encode("utf-8-sig")


async def fresh_db(kind: str, tmp: Path, created: list[str]) -> str:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / (uuid.uuid4().hex[:8] + '.db')}"
    else:
        url = await create_database(await pg_admin(), "shuzhuan_bench")
        created.append(url)
    await upgrade_async(spec.migrations_dir, url)
    return url


async def run(kind: str, data: bytes, tmp: Path) -> dict[str, float]:
    created: list[str] = []
    try:
        t = time.perf_counter()
        parsed = parse_list(data)
        parse_s = time.perf_counter() - t
        n = len(parsed.good)
        url = await fresh_db(kind, tmp, created)
        engine = make_engine(url)
        t = time.perf_counter()
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            await import_list(uow, ACTOR, parsed, "bench.csv")
            await uow.commit()
        import_s = time.perf_counter() - t
        await engine.dispose()
        # Baseline: the same enterprise rows, already validated and derived, plainly inserted.
        now = datetime.now(UTC)
        rows = [row_values(new_enterprise(cmd, now)) for _, cmd in parsed.good]
        url = await fresh_db(kind, tmp, created)
        engine = make_engine(url)
        t = time.perf_counter()
        async with engine.begin() as conn:
            for i in range(0, n, 1000):
                await conn.execute(insert(Enterprise), rows[i : i + 1000])
        plain_s = time.perf_counter() - t
        await engine.dispose()
        return {
            "rows": n,
            "parse": n / parse_s,
            "import": n / (parse_s + import_s),
            "store": n / import_s,
            "plain": n / plain_s,
        }
    finally:
        for url in created:
            await drop_database(await pg_admin(), url)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    data = pilot_csv(args.rows)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sqlite", "postgresql"):
            r = await run(kind, data, Path(tmp))
            lines.append(
                f"| {kind} | {r['rows']:,.0f} | {r['parse']:,.0f} | {r['store']:,.0f} | {r['import']:,.0f} "
                f"| {r['plain']:,.0f} | {r['store'] / r['plain']:.2f} |"
            )
            print(lines[-1], flush=True)
    header = (
        f"\n## Registry bulk import — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {platform.machine()}, "
        f"{platform.python_version()}, 2 cores\n\n"
        "| database | rows | parse+validate rows/s | store rows/s (enterprise+event) | end to end rows/s "
        "| plain INSERT rows/s (baseline) | store ÷ baseline |\n|---|---|---|---|---|---|---|\n"
    )
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(header + "\n".join(lines) + "\n")
    print(f"appended to {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
