"""The same batch pushed twice at once (a client resending one whose answer it did not wait for): the batches take
turns, the first stores the records and the second finds them unchanged, on both databases."""

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
        assert [a.status_code for a in answers] == [200, 200], [a.text[:300] for a in answers]
        reports = sorted((a.json()["created"], a.json()["unchanged"]) for a in answers)
        assert reports == [(0, 2000), (2000, 0)]  # one stored them; the other found every one unchanged
        assert await registry.count(Enterprise) == 2000 and await registry.count(PushRecord) == 2000
        assert len(await registry.outbox("registry.enterprise.registered")) == 2000  # published once each
