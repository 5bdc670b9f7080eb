"""Providers and the 8-stage journey over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from contracts.api.identity import Role
from contracts.topics import PROJECTS
from registry.main import spec
from registry.models import tables
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test
from testkit.tokens import bearer

USCC = "91350100M000100Y43"
ENTERPRISE = {"uscc": USCC, "name": "某企业", "district_code": "500103", "industry_code": "C3670"}
PROVIDER = {
    "name": "某数字化服务商",
    "uscc": "91440300708461136T",
    "categories": ["diagnosis", "solution"],
    "platforms": ["某工业互联网平台"],
}


async def test_provider_lifecycle_and_a_full_walk_through_the_8_stages(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as registry:
        c = registry.client
        assert (await c.post("/v1/enterprises", json=ENTERPRISE)).status_code == 201
        provider = (await c.post("/v1/providers", json=PROVIDER)).json()
        pid = provider["provider_id"]
        assert provider["status"] == "applied"
        not_yet = await c.post("/v1/projects", json={"uscc": USCC, "provider_id": pid, "title": "MES 上云"})
        assert (not_yet.status_code, not_yet.json()["errors"][0]["field"]) == (422, "provider_id")
        skip = await c.post(f"/v1/providers/{pid}/status", json={"status": "suspended", "reason": "测试"})
        assert skip.status_code == 409
        assert "can only become: approved" in skip.json()["message"]
        ok = await c.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "资质审核通过"})
        assert (ok.json()["status"], ok.json()["status_reason"]) == ("approved", "资质审核通过")
        assert (await c.post("/v1/providers", json=PROVIDER)).status_code == 409  # same USCC

        project = (
            await c.post(
                "/v1/projects",
                json={
                    "uscc": USCC,
                    "provider_id": pid,
                    "title": "MES 上云",
                    "planned_solutions": ["设备联网", "质量追溯"],
                },
            )
        ).json()
        jid = project["project_id"]
        assert (project["stage"], project["stage_name"], project["allowed_next"]) == (
            "diagnosis",
            "诊断评估",
            ["strategy"],
        )
        jump = await c.post(f"/v1/projects/{jid}/transitions", json={"to_stage": "design"})
        assert jump.status_code == 409
        assert jump.json()["message"].endswith("is in diagnosis; allowed next: strategy")
        as_provider = bearer(Role.PROVIDER, provider_id=pid)
        wrong_actor = await c.post(
            f"/v1/projects/{jid}/transitions", json={"to_stage": "strategy"}, headers=as_provider
        )
        assert wrong_actor.status_code == 403
        assert wrong_actor.json()["message"] == "stage diagnosis is completed by: city, expert"

        walkers = [
            ("strategy", bearer(Role.EXPERT, districts=["500103"])),
            ("design", bearer(Role.ENTERPRISE, uscc=USCC)),
            ("implementation", as_provider),
            ("policy", as_provider),
            ("evaluation", bearer(Role.ENTERPRISE, uscc=USCC)),
            ("promotion", bearer(Role.EXPERT, districts=["500103"])),
            ("operation", bearer(Role.DISTRICT, districts=["500103"])),
        ]
        evidence = [{"kind": "report", "title": "诊断报告", "sha256": "a" * 64}]
        for to_stage, who in walkers:
            r = await c.post(
                f"/v1/projects/{jid}/transitions", json={"to_stage": to_stage, "evidence": evidence}, headers=who
            )
            assert r.status_code == 200, (to_stage, r.text)
            assert r.json()["stage"] == to_stage
        done = await c.post(f"/v1/projects/{jid}/transitions", json={"to_stage": "operation"})
        assert done.status_code == 409
        assert "none" in done.json()["message"]

        history = (await c.get(f"/v1/projects/{jid}/transitions")).json()
        assert [h["to_stage"] for h in history] == [
            "diagnosis",
            "strategy",
            "design",
            "implementation",
            "policy",
            "evaluation",
            "promotion",
            "operation",
        ]
        assert [h["role"] for h in history[1:]] == [
            "expert",
            "enterprise",
            "provider",
            "provider",
            "enterprise",
            "expert",
            "district",
        ]
        assert history[1]["evidence"][0]["title"] == "诊断报告"

        async with registry.runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(tables.outbox).where(tables.outbox.c.topic == PROJECTS.name).order_by(tables.outbox.c.id)
                )
            ).all()
        assert [r.event_type for r in rows] == ["registry.project.created"] + ["registry.project.stage-changed"] * 7
        payloads = [json.loads(r.payload) for r in rows]
        assert [p.get("seq") for p in payloads[1:]] == list(range(2, 9))
        assert {r.key for r in rows} == {USCC}  # one key: one partition, so consumers see them in order

        other_provider = bearer(Role.PROVIDER, provider_id="pv_other")
        assert (await c.get(f"/v1/projects/{jid}", headers=other_provider)).status_code == 403
        assert [p["project_id"] for p in (await c.get("/v1/projects", headers=as_provider)).json()] == [jid]
        assert (await c.get("/v1/projects", headers=other_provider)).json() == []


async def test_stuck_projects_are_found_by_time_in_stage(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as registry:
        c = registry.client
        await c.post("/v1/enterprises", json=ENTERPRISE)
        pid = (await c.post("/v1/providers", json=PROVIDER)).json()["provider_id"]
        await c.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "ok"})
        body: dict[str, Any] = {"uscc": USCC, "provider_id": pid, "title": "x"}
        jid = (await c.post("/v1/projects", json=body)).json()["project_id"]
        assert [p["project_id"] for p in (await c.get("/v1/projects", params={"stuck_days": 0})).json()] == [jid]
        assert (await c.get("/v1/projects", params={"stuck_days": 30})).json() == []
        assert (await c.get("/v1/projects", params={"stage": "strategy"})).json() == []
        in_diagnosis = (await c.get("/v1/enterprises", params={"stage": "diagnosis"})).json()["items"]
        assert [e["uscc"] for e in in_diagnosis] == [USCC]
        assert (await c.get("/v1/enterprises", params={"stage": "design"})).json()["items"] == []
        other_unit = bearer(Role.DISTRICT, districts=["500104"])
        assert (await c.get("/v1/projects", headers=other_unit)).json() == []
        bad = await c.post(
            f"/v1/projects/{jid}/transitions",
            json={"to_stage": "strategy", "evidence": [{"kind": "x", "title": "y", "sha256": "nothex"}]},
        )
        assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "evidence.0.sha256")
        assert (await c.get(f"/v1/projects/{jid}")).json()["stage"] == "diagnosis"
        missing = await c.post("/v1/projects", json={**body, "uscc": "914403001922038216"})
        assert (missing.status_code, missing.json()["errors"][0]["field"]) == (422, "uscc")
