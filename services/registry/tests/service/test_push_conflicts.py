"""Provider push under concurrency: a record whose enterprise someone else changed between the batch's read and
its write is refused alone; the rest of the batch is stored. A push that waits too long for the bulk connection
(servicekit.app.bulk_engine, SQLite) is answered 503 with Retry-After and stores nothing."""

from __future__ import annotations

import random
import sqlite3
from typing import Any

from sqlalchemy import event

from registry.main import spec
from registry.models import Enterprise, PushRecord
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.push import as_provider, enterprise_record, push_one, registry_with_providers


async def test_a_record_whose_enterprise_changed_meanwhile_is_refused_alone(migrated_db: MigratedDbFactory) -> None:
    """Another writer commits a change of one enterprise between the push's read and its UPDATE (a second
    SQLite connection, right before the statement runs): that record is rejected as `conflict`, to be sent
    again, and the rest of the batch is stored."""
    first, second = random_uscc(random.Random(2)), random_uscc(random.Random(3))
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        records = [enterprise_record("a", first, employees=10), enterprise_record("b", second, employees=10)]
        assert (await registry.client.post("/v1/push/records", json=records, headers=as_provider(pid))).is_success
        path = registry.runtime.engine.url.database
        assert path is not None
        fired: list[str] = []

        def other_writer(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
            if statement.startswith("UPDATE enterprises") and not fired:
                fired.append(statement)
                with sqlite3.connect(path) as other:
                    other.execute(
                        "UPDATE enterprises SET version = version + 1, employees = 77 WHERE uscc = ?", [first]
                    )

        event.listen(registry.runtime.bulk.sync_engine, "before_cursor_execute", other_writer)
        try:
            changed = [enterprise_record(r, u, version=2, employees=20) for r, u in (("a", first), ("b", second))]
            answer = await registry.client.post("/v1/push/records", json=changed, headers=as_provider(pid))
        finally:
            event.remove(registry.runtime.bulk.sync_engine, "before_cursor_execute", other_writer)
        assert fired and answer.status_code == 200
        results = {r["entity"]: r for r in answer.json()["results"]}
        assert results[first]["status"] == "rejected" and results[first]["errors"][0]["code"] == "conflict"
        assert results[second]["status"] == "updated"
        read = {u: (await registry.client.get(f"/v1/enterprises/{u}")).json() for u in (first, second)}
        assert (read[first]["version"], read[first]["employees"]) == (2, 77)  # the other writer's change stands
        assert (read[second]["version"], read[second]["employees"]) == (2, 20)
        again = await push_one(registry, enterprise_record("a", first, version=3, employees=20), pid)
        assert again["status"] == "updated"  # sent again, it goes through


async def test_a_push_kept_waiting_for_the_bulk_connection_is_answered_busy(migrated_db: MigratedDbFactory) -> None:
    """On SQLite pushes take turns on one connection. While another bulk write holds it past `bulk_wait_s` a push
    is answered 503 with Retry-After, and nothing of it is stored; sent again once it is free, it goes through."""
    uscc = random_uscc(random.Random(4))
    db = await migrated_db(spec, "sqlite")
    async with registry_with_providers(db, bulk_wait_s=0.3) as (registry, (pid, _)):
        record = enterprise_record("a", uscc, employees=10)
        async with registry.runtime.bulk.connect():  # another bulk write, taking long
            answer = await registry.client.post("/v1/push/records", json=[record], headers=as_provider(pid))
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "1" and answer.json()["error"] == "busy"
        assert await registry.count(Enterprise) == 0 and await registry.count(PushRecord) == 0
        assert (await push_one(registry, record, pid))["status"] == "created"
        assert await registry.count(Enterprise) == 1
