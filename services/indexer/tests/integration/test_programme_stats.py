"""Activities and projects recorded in the registry reach the indexer's programme statistics."""

from __future__ import annotations

import contextlib

import pytest

from devstack.broker import Broker
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from testkit.databases import DbFactory
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]

E1, E2, E3 = "91350100M000100Y43", "914403001922038216", "91440300708461136T"


async def test_activities_and_project_stages_are_counted(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db(db_kind)))
        indexer = await stack.enter_async_context(running_service(indexer_spec, broker, await make_db(db_kind)))
        c = registry.client
        service = {
            "kind": "enablement_service",
            "district_code": "500103",
            "held_on": "2026-03-02",
            "title": "诊断服务",
            "organiser": "渝中赋能中心",
            "enterprises": [E1, E2, E3],
            "external_ref": "S-1",
        }
        assert (await c.post("/v1/activities", json=service)).status_code == 201
        again = await c.post("/v1/activities", json=service)  # the organiser re-sends: nothing new
        assert again.status_code == 200
        training = {
            "kind": "training",
            "district_code": "500103",
            "held_on": "2026-05-09",
            "title": "MES 培训",
            "organiser": "渝中赋能中心",
            "participants": 40,
        }
        assert (await c.post("/v1/activities", json=training)).status_code == 201
        event = {**training, "kind": "event", "participants": 0, "title": "现场会"}
        assert (await c.post("/v1/activities", json=event)).status_code == 201
        bad = await c.post("/v1/activities", json={**service, "enterprises": [], "external_ref": "S-2"})
        assert (bad.status_code, "names the enterprises" in bad.json()["message"]) == (422, True)

        async def counted() -> bool:
            r = (await indexer.client.get("/v1/stats/activities", params={"year": 2026})).json()
            return r["totals"]["events_and_trainings"]["value"] == 2

        await wait_for(counted, what="activities counted")
        report = (await indexer.client.get("/v1/stats/activities", params={"year": 2026})).json()
        assert {k: v["value"] for k, v in report["totals"].items()} == {
            "enablement_services": 3,
            "events_and_trainings": 2,
            "people_trained": 40,
        }
        yuzhong = next(d for d in report["districts"] if d["district_code"] == "500103")
        assert yuzhong["enablement_services"] == 3

        await c.post(
            "/v1/enterprises", json={"uscc": E1, "name": "甲", "district_code": "500103", "industry_code": "C34"}
        )
        pid = (await c.post("/v1/providers", json={"name": "乙", "uscc": E3, "categories": ["solution"]})).json()[
            "provider_id"
        ]
        await c.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "ok"})
        jid = (await c.post("/v1/projects", json={"uscc": E1, "provider_id": pid, "title": "x"})).json()["project_id"]
        await c.post("/v1/projects", json={"uscc": E1, "provider_id": pid, "title": "y"})
        assert (await c.post(f"/v1/projects/{jid}/transitions", json={"to_stage": "strategy"})).status_code == 200

        async def staged() -> bool:
            r = (await indexer.client.get("/v1/stats/projects")).json()
            return r["total"] == 2 and r["stages"][1]["projects"] == 1

        await wait_for(staged, what="project stages counted")
        stages = (await indexer.client.get("/v1/stats/projects")).json()["stages"]
        assert [s["projects"] for s in stages] == [1, 1, 0, 0, 0, 0, 0, 0]
