"""Pushed batches applied in writer processes (`push_workers`): the same answers, the same rows and events as in
the serving process, refusals as the same 4xx, and a writer that dies answered 503 and replaced."""

from __future__ import annotations

import asyncio
import os
import random
import signal

from sqlalchemy import select

from registry.main import spec
from registry.models import Enterprise, PushBatch, PushRecord
from servicekit.writerpool import WriterPool
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.push import as_provider, enterprise_record, registry_with_providers
from testkit.waits import wait_for

REGISTERED = "registry.enterprise.registered"


def _records(seed: int, n: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    return [enterprise_record(f"w{seed}-{i}", random_uscc(rng), employees=10 + i) for i in range(n)]


def _ndjson(records: list[dict[str, object]]) -> bytes:
    import orjson

    return b"\n".join(orjson.dumps(r) for r in records)


async def test_batches_in_writer_processes_answer_and_store_as_in_the_serving_one(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with registry_with_providers(await migrated_db(spec, db_kind), push_workers=2) as (registry, (pid, _)):
        writers: WriterPool = registry.app.state.push_writers
        batches = [_records(seed, 500) for seed in range(4)]
        ndjson = {"content-type": "application/x-ndjson"} | as_provider(pid)
        answers = await asyncio.gather(
            *(registry.client.post("/v1/push/records", content=_ndjson(b), headers=ndjson) for b in batches)
        )
        assert [a.status_code for a in answers] == [200] * 4, [a.text[:300] for a in answers]
        for batch, answer in zip(batches, answers, strict=True):
            report = answer.json()
            assert (report["records"], report["created"], report["provider_id"]) == (500, 500, pid)
            assert [r["record_id"] for r in report["results"]] == [r["record_id"] for r in batch]
            assert {r["status"] for r in report["results"]} == {"created"}
        assert len(writers.pids()) == 2 and os.getpid() not in writers.pids()
        assert await registry.count(Enterprise) == 2000 and await registry.count(PushRecord) == 2000
        assert await registry.count(PushBatch) == 4
        assert len(await registry.outbox("registry.enterprise.registered")) == 2000
        # The same batch again, as JSON this time: every record unchanged, nothing stored twice.
        again = await registry.client.post("/v1/push/records", json=batches[0], headers=as_provider(pid))
        assert again.status_code == 200 and again.json()["unchanged"] == 500, again.text[:300]
        assert len(await registry.outbox("registry.enterprise.registered")) == 2000
        metrics = (await registry.client.get("/metrics")).text
        assert f'push_records_total{{provider_id="{pid}",status="created"}} 2000.0' in metrics
        assert f'push_records_total{{provider_id="{pid}",status="unchanged"}} 500.0' in metrics


async def test_a_batch_in_a_writer_keeps_the_request_trace_on_its_events(migrated_db: MigratedDbFactory) -> None:
    trace_id = "5cf92f3577b34da6a3ce929d0e0e4737"
    async with registry_with_providers(await migrated_db(spec, "sqlite"), push_workers=1) as (registry, (pid, _)):
        headers = as_provider(pid) | {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
        pushed = await registry.client.post("/v1/push/records", json=_records(5, 20), headers=headers)
        assert pushed.status_code == 200, pushed.text[:300]
        o = registry.runtime.tables.outbox
        async with registry.runtime.engine.connect() as conn:
            kept = (await conn.execute(select(o.c.traceparent).where(o.c.event_type == REGISTERED))).scalars().all()
        assert len(kept) == 20 and {tp.split("-")[1] for tp in kept} == {trace_id}, kept[:3]


async def test_a_writer_refusal_is_the_same_answer(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with registry_with_providers(await migrated_db(spec, db_kind), push_workers=1) as (registry, (pid, other)):
        bad = await registry.client.post(
            "/v1/push/records",
            content=b'{"records": [',
            headers={"content-type": "application/json"} | as_provider(pid),
        )
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_json", bad.text
        assert bad.json()["errors"][0]["field"] == "body"
        records = _records(9, 3)
        mine = await registry.client.post("/v1/push/records", json=records, headers=as_provider(pid))
        assert mine.status_code == 200
        theirs = await registry.client.post("/v1/push/records", json=records, headers=as_provider(other))
        assert theirs.status_code == 200  # the other provider's records are refused one by one
        assert {r["errors"][0]["code"] for r in theirs.json()["results"]} == {"not_owner"}
        suspended = await registry.client.post(
            f"/v1/providers/{other}/status", json={"status": "suspended", "reason": "暂停"}
        )
        assert suspended.status_code == 200
        refused = await registry.client.post("/v1/push/records", json=records, headers=as_provider(other))
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden", refused.text
        assert await registry.count(Enterprise) == 3


async def test_a_writer_that_dies_is_answered_503_and_replaced(migrated_db: MigratedDbFactory) -> None:
    async with registry_with_providers(await migrated_db(spec, "sqlite"), push_workers=1) as (registry, (pid, _)):
        writers: WriterPool = registry.app.state.push_writers
        first = await registry.client.post("/v1/push/records", json=_records(1, 10), headers=as_provider(pid))
        assert first.status_code == 200
        (worker,) = writers.pids()
        os.kill(worker, signal.SIGSTOP)  # it cannot take the next batch: the batch waits for it
        batch = _records(2, 200)
        pushing = asyncio.create_task(registry.client.post("/v1/push/records", json=batch, headers=as_provider(pid)))

        async def queued() -> bool:
            return len(writers._pool._pending_work_items) == 1  # the executor's own record of what it was given

        await wait_for(queued, timeout=10, what="the batch handed to the pool")
        os.kill(worker, signal.SIGKILL)
        lost = await pushing
        assert lost.status_code == 503, lost.text[:300]
        assert lost.json()["error"] == "busy" and "send the batch again" in lost.json()["message"]
        assert lost.headers["retry-after"] == "1"
        assert writers.restarts == 1 and await registry.count(Enterprise) == 10
        again = await registry.client.post("/v1/push/records", json=batch, headers=as_provider(pid))
        assert again.status_code == 200 and again.json()["created"] == 200, again.text[:300]
        assert await registry.count(Enterprise) == 210 and await registry.count(PushRecord) == 210
        assert worker not in writers.pids()
