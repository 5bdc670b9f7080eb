"""The same list imported twice at once (an operator clicking twice, two district staff with one file) is stored
once. On SQLite bulk writes take turns: the second finds every enterprise already registered. On PostgreSQL they
may overlap: the second then either finds them registered or, if both found them new, is refused whole with 409
`conflict` and stores nothing; sent again, it finds them registered. The same race made certain on PostgreSQL (a
registration held open until the import waits on it): the route answers 409, the operator's CLI exits 3."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.api.identity import Role, TokenClaims
from registry.main import spec
from registry.models import Enterprise, tables
from registry.transfer.reading import parse_list
from registry.transfer.service import import_list
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async
from servicekit.uow import UnitOfWork
from testkit.databases import DbFactory, MigratedDbFactory
from testkit.services import service_under_test
from testkit.waits import wait_for

from .test_import_export import XLSX, pilot_rows, xlsx


async def test_the_same_list_twice_at_once_is_stored_once(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    body = xlsx(pilot_rows(3000))
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as registry:

        async def send() -> tuple[int, dict]:
            r = await registry.client.post("/v1/enterprises/imports", content=body, headers={"content-type": XLSX})
            return r.status_code, r.json()

        answers = await asyncio.gather(send(), send())
        codes = sorted(code for code, _ in answers)
        assert codes in ([200, 200], [200, 409]) and (db_kind == "postgresql" or codes == [200, 200]), answers
        stored = sorted((a["stored"], a["already_registered"]) for code, a in answers if code == 200)
        assert stored == [(0, 3000), (3000, 0)][2 - len(stored) :]
        for _, refused in (a for a in answers if a[0] == 409):
            assert refused["error"] == "conflict" and "send it again" in refused["message"], refused
            code, again = await send()
            assert code == 200 and (again["stored"], again["already_registered"]) == (0, 3000)
        assert await registry.count(Enterprise) == 3000
        assert await registry.count(tables.outbox) == 3000  # one event per enterprise


async def hold_a_registration(engine: AsyncEngine, row: list) -> UnitOfWork:
    """A transaction that has registered the enterprise of `row` and is left open (commit it to end it)."""
    uow = UnitOfWork(sessionmaker(engine), tables)
    await uow.__aenter__()
    await import_list(
        uow, TokenClaims(sub="test-city", role=Role.CITY, iat=0, exp=0), parse_list(xlsx([row]), {}), "one"
    )
    return uow


async def waits_on_a_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return bool(
            await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
        )


async def test_an_import_meeting_a_registration_it_did_not_see_is_refused_409(migrated_db: MigratedDbFactory) -> None:
    """PostgreSQL, made certain: the import has read which enterprises are registered, then meets one that another
    transaction registered meanwhile (held open here until the import waits on it)."""
    rows = pilot_rows(200)
    url = await migrated_db(spec, "postgresql")
    engine = make_engine(url)
    try:
        async with service_under_test(spec, url) as registry:
            held = await hold_a_registration(engine, rows[150])
            answer = asyncio.create_task(
                registry.client.post("/v1/enterprises/imports", content=xlsx(rows), headers={"content-type": XLSX})
            )
            await wait_for(lambda: waits_on_a_lock(engine), timeout=60, what="the import waiting on the registration")
            await held.commit()
            await held.__aexit__(None, None, None)
            r = await answer
            assert r.status_code == 409 and r.json()["error"] == "conflict", r.text
            assert await registry.count(Enterprise) == 1
            again = await registry.client.post(
                "/v1/enterprises/imports", content=xlsx(rows), headers={"content-type": XLSX}
            )
            assert (again.json()["stored"], again.json()["already_registered"]) == (199, 1)
    finally:
        await engine.dispose()


async def test_the_cli_import_meeting_a_registration_it_did_not_see_stores_nothing_and_says_so(
    make_db: DbFactory, tmp_path: Path
) -> None:
    """PostgreSQL: the operator's import reads which enterprises are registered, then meets one that another
    transaction registered meanwhile (held open here until the import waits on it). The import stores nothing,
    exits 3 and says to run it again; run again, it counts that one as already registered."""
    url = await make_db("postgresql")
    await upgrade_async(spec.migrations_dir, url)
    rows = pilot_rows(200)
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(rows))
    env = {**os.environ, "SHUZHUAN_REGISTRY_DATABASE_URL": url, "SHUZHUAN_REGISTRY_LOG_JSON": "false"}
    command = [sys.executable, "-m", "registry", "import", str(path)]
    engine = make_engine(url)
    try:
        held = await hold_a_registration(engine, rows[150])
        cli = await asyncio.create_subprocess_exec(*command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        await wait_for(lambda: waits_on_a_lock(engine), timeout=60, what="the CLI waiting on the registration")
        await held.commit()
        await held.__aexit__(None, None, None)
        out, err = (part.decode() for part in await asyncio.wait_for(cli.communicate(), 60))
        assert cli.returncode == 3, (out, err)
        assert "registered by someone else" in err and "run the import again" in err
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(Enterprise)) == 1
        again = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert "200 rows, 199 stored, 1 already registered, 0 rejected" in again.stdout
    finally:
        await engine.dispose()
