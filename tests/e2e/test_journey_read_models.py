"""A full walk through the 8 stages: 8 events in order on the projects topic, and the project as
assessment and finance know it from their read models (real broker, SQLite and PostgreSQL)."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select

from assessment.main import spec as assessment_spec
from contracts.api.identity import Role
from contracts.api.journey import STAGES
from devstack.broker import Broker
from finance.main import spec as finance_spec
from registry.main import spec as registry_spec
from registry.models import tables
from testkit.data import filed_project
from testkit.databases import DbFactory
from testkit.services import RunningService, running_service
from testkit.tokens import bearer
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

USCC = "91350100M000100Y43"
WHO_COMPLETES = {  # one actor allowed to complete each stage
    "diagnosis": bearer(Role.EXPERT, districts=["500103"]),
    "strategy": bearer(Role.ENTERPRISE, uscc=USCC),
    "policy": bearer(Role.DISTRICT, districts=["500103"]),
    "evaluation": bearer(Role.EXPERT, districts=["500103"]),
    "promotion": bearer(Role.DISTRICT, districts=["500103"]),
}


async def test_walk_reaches_the_read_models_in_order(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    async with (
        running_service(registry_spec, broker, await make_db(db_kind)) as registry,
        running_service(assessment_spec, broker, await make_db(db_kind)) as assessment,
        running_service(finance_spec, broker, await make_db(db_kind)) as finance,
    ):
        c = registry.client
        pid, jid = await filed_project(c, USCC)
        provider = bearer(Role.PROVIDER, provider_id=pid)
        for done, nxt in itertools.pairwise(STAGES):
            r = await c.post(
                f"/v1/projects/{jid}/transitions",
                json={"to_stage": nxt.value},
                headers=WHO_COMPLETES.get(done, provider),
            )
            assert r.status_code == 200, (done, r.text)

        for svc in (assessment, finance):

            async def arrived(svc: RunningService = svc) -> bool:
                r = await svc.client.get(f"/v1/known-projects/{jid}")
                return r.status_code == 200 and r.json()["seq"] == 8

            await wait_for(arrived, timeout=60)
            known = (await svc.client.get(f"/v1/known-projects/{jid}")).json()
            assert (known["stage"], known["uscc"], known["provider_id"]) == ("operation", USCC, pid)
            listed = (await svc.client.get("/v1/known-projects", params={"uscc": USCC})).json()
            assert [p["project_id"] for p in listed["items"]] == [jid]
            other_unit = await svc.client.get(
                f"/v1/known-projects/{jid}", headers=bearer(Role.DISTRICT, districts=["500104"])
            )
            assert other_unit.status_code == 403

        outbox = tables.outbox
        async with registry.runtime.sessions() as s:
            rows = (
                await s.execute(
                    select(outbox.c.payload).where(outbox.c.event_type.like("registry.project.%")).order_by(outbox.c.id)
                )
            ).all()
        payloads = [json.loads(r.payload) for r in rows]
        assert [p.get("to_stage", p.get("stage")) for p in payloads] == [s.value for s in STAGES]
        assert [p.get("seq", 1) for p in payloads] == list(range(1, 9))
