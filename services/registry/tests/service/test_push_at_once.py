"""The same batch pushed twice at once (a client resending one whose answer it did not wait for) is stored once.
On SQLite the batches take turns on the bulk connection: the second finds every record unchanged. On PostgreSQL
they may overlap: the second then either finds them unchanged or, if both found the records new, is refused whole
with 409 `conflict` and stores nothing; sent again, it finds them unchanged."""

from __future__ import annotations

import asyncio
import random

from registry.main import spec
from registry.models import Enterprise, PushRecord
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.push import as_provider, enterprise_record, registry_with_providers


async def test_the_same_batch_twice_at_once_is_stored_once(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    rng = random.Random(7)
    records = [enterprise_record(f"r{i}", random_uscc(rng), employees=10) for i in range(2000)]
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        answers = await asyncio.gather(
            *(registry.client.post("/v1/push/records", json=records, headers=as_provider(pid)) for _ in range(2))
        )
        codes = sorted(a.status_code for a in answers)
        assert codes in ([200, 200], [200, 409]) and (db_kind == "postgresql" or codes == [200, 200]), codes
        stored = [a.json() for a in answers if a.status_code == 200]
        assert sorted((r["created"], r["unchanged"]) for r in stored) == [(0, 2000), (2000, 0)][2 - len(stored) :]
        for refused in (a for a in answers if a.status_code == 409):
            body = refused.json()
            assert body["error"] == "conflict" and "send it again" in body["message"], body
            again = await registry.client.post("/v1/push/records", json=records, headers=as_provider(pid))
            assert again.status_code == 200 and again.json()["unchanged"] == 2000
        assert await registry.count(Enterprise) == 2000 and await registry.count(PushRecord) == 2000
        assert len(await registry.outbox("registry.enterprise.registered")) == 2000  # published once each
