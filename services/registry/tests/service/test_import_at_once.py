"""The same list imported twice at once (an operator clicking twice, two district staff with one file) is stored
once. On SQLite bulk writes take turns: the second finds every enterprise already registered. On PostgreSQL they
may overlap: the second then either finds them registered or, if both found them new, is refused whole with 409
`conflict` and stores nothing; sent again, it finds them registered."""

from __future__ import annotations

import asyncio

from registry.main import spec
from registry.models import Enterprise, tables
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test

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
