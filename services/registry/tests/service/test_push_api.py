"""Provider push (interface v1) over HTTP, on SQLite and PostgreSQL: idempotent retries, partial
success with per-record results, ownership, project progress, and the data-quality score."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from contracts.api.identity import Role
from contracts.uscc import check_character
from registry.main import spec
from registry.models import Enterprise, EnterpriseVersion, tables
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.push import (
    NDJSON,
    NOW,
    as_provider,
    enterprise_record,
    ndjson,
    progress_record,
    push_one,
    registry_with_providers,
)
from testkit.services import RunningService
from testkit.tokens import bearer

CITY_ENTERPRISE = {
    "uscc": "91350100M000100Y43",
    "name": "区里登记的企业",
    "district_code": "500103",
    "industry_code": "C36",
}


async def test_same_batch_twice_is_one_version(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    rng = random.Random(7)
    records = [enterprise_record(f"crm-{i}", random_uscc(rng), employees=30 + i) for i in range(20)]
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        as_provider = bearer(Role.PROVIDER, provider_id=pid)
        first = await registry.client.post("/v1/push/records", json={"records": records}, headers=as_provider)
        assert first.status_code == 200, first.text
        report = first.json()
        assert (report["records"], report["created"], report["rejected"], report["format"]) == (20, 20, 0, "json")
        assert [r["entity"] for r in report["results"]] == [r["data"]["uscc"] for r in records]
        outbox = await registry.count(tables.outbox)

        again = (await registry.client.post("/v1/push/records", json={"records": records}, headers=as_provider)).json()
        assert (again["created"], again["unchanged"], again["rejected"]) == (0, 20, 0)
        assert {r["status"] for r in again["results"]} == {"unchanged"}
        assert await registry.count(Enterprise) == 20
        assert await registry.count(EnterpriseVersion) == 0  # version 1 stays on the row until a change
        assert await registry.count(tables.outbox) == outbox  # no new events

        one = records[0]["data"]["uscc"]
        versions = (await registry.client.get(f"/v1/enterprises/{one}/versions", headers=as_provider)).json()
        assert [(v["version"], v["action"], v["role"]) for v in versions] == [(1, "push", "provider")]


async def test_ten_thousand_with_ten_bad_stores_9990(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    rng = random.Random(10_000)
    records = [enterprise_record(f"erp-{i:05d}", random_uscc(rng)) for i in range(10_000)]
    bad_at = sorted(rng.sample(range(10_000), 10))
    breakers = [
        lambda r: r["data"].__setitem__(
            "uscc", r["data"]["uscc"][:-1] + ("0" if r["data"]["uscc"][-1] != "0" else "1")
        ),
        lambda r: r["data"].__setitem__("district_code", "110101"),
        lambda r: r["data"].pop("name"),
        lambda r: r["data"].__setitem__("industry_code", "A01"),
        lambda r: r.__setitem__("version", 0),
        lambda r: r.__setitem__("occurred_at", "2026-11-01T10:00:00"),
        lambda r: r["data"].__setitem__("tiers", [{"tier": "little_giant", "issuing_body": "工业和信息化部"}]),
        lambda r: r["data"].__setitem__("employees", -5),
        lambda r: r.__setitem__("kind", "invoice"),
        lambda r: r["data"].__setitem__("uscc", CITY_ENTERPRISE["uscc"]),  # registered by the district: not ours
    ]
    expected_fields = [
        "data.uscc",
        "data.district_code",
        "data.name",
        "data.industry_code",
        "version",
        "occurred_at",
        "data.tiers",
        "data.employees",
        "kind",
        "data.uscc",
    ]
    for i, breaker in zip(bad_at, breakers, strict=True):
        breaker(records[i])
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        assert (await registry.client.post("/v1/enterprises", json=CITY_ENTERPRISE)).status_code == 201
        response = await registry.client.post(
            "/v1/push/records?results=rejected",
            content=ndjson(records),
            headers={**NDJSON, **bearer(Role.PROVIDER, provider_id=pid)},
        )
        assert response.status_code == 200, response.text[:500]
        report = response.json()
        assert (report["records"], report["created"], report["rejected"], report["format"]) == (
            10_000,
            9_990,
            10,
            "ndjson",
        )
        assert [r["index"] for r in report["results"]] == [i + 1 for i in bad_at]  # NDJSON: the line numbers
        assert [r["errors"][0]["field"] for r in report["results"]] == expected_fields
        assert report["results"][-1]["errors"][0]["code"] == "not_owner"
        assert all(e["message"] and e["message_zh"] for r in report["results"] for e in r["errors"])
        assert await registry.count(Enterprise) == 9_991  # + the district's own
        assert await registry.count(Enterprise, Enterprise.pushed_by == pid) == 9_990
        stored = (await registry.client.get(f"/v1/push/batches/{report['batch_id']}")).json()
        assert [r["index"] for r in stored["results"]] == [i + 1 for i in bad_at]


@pytest.fixture
async def pushed(migrated_db: MigratedDbFactory, db_kind: str) -> AsyncIterator[tuple[RunningService, str, str, str]]:
    """A registry where provider `pid` pushed one enterprise (record "a", version 1); (registry, pid, other, uscc)."""
    uscc = random_uscc(random.Random(1))
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, other)):
        first = [enterprise_record("a", uscc, employees=10)]
        assert (await registry.client.post("/v1/push/records", json=first, headers=as_provider(pid))).status_code == 200
        yield registry, pid, other, uscc


V2: dict[str, Any] = {"employees": 120, "revenue_yuan": "35000000.00", "revenue_year": 2025}


async def test_a_higher_version_updates_the_enterprise(pushed: tuple[RunningService, str, str, str]) -> None:
    registry, pid, _, uscc = pushed
    r = await push_one(registry, enterprise_record("a", uscc, version=2, **V2), pid)
    assert (r["status"], r["entity"]) == ("updated", uscc)
    read = (await registry.client.get(f"/v1/enterprises/{uscc}", headers=as_provider(pid))).json()
    assert (read["version"], read["employees"], read["above_scale"]) == (2, 120, True)


async def test_a_lower_version_is_stale_and_ignored(pushed: tuple[RunningService, str, str, str]) -> None:
    registry, pid, _, uscc = pushed
    await push_one(registry, enterprise_record("a", uscc, version=2, **V2), pid)
    r = await push_one(registry, enterprise_record("a", uscc, employees=1), pid)
    assert r["status"] == "stale"
    assert (await registry.client.get(f"/v1/enterprises/{uscc}")).json()["employees"] == 120


async def test_a_version_reused_with_other_content_is_rejected(pushed: tuple[RunningService, str, str, str]) -> None:
    registry, pid, _, uscc = pushed
    r = await push_one(registry, enterprise_record("a", uscc, employees=11), pid)
    assert (r["status"], r["errors"][0]["code"], r["errors"][0]["field"]) == ("rejected", "version_reused", "version")
    assert (await registry.client.get(f"/v1/enterprises/{uscc}")).json()["employees"] == 10


async def test_another_provider_may_not_change_it(pushed: tuple[RunningService, str, str, str]) -> None:
    registry, _, other, uscc = pushed
    r = await push_one(registry, enterprise_record("z", uscc), other)
    assert (r["status"], r["errors"][0]["code"]) == ("rejected", "not_owner")
    assert "只能修改自己推送的企业记录" in r["errors"][0]["message_zh"]
    assert (await registry.client.get(f"/v1/enterprises/{uscc}")).json()["version"] == 1


async def test_another_provider_may_not_read_it(pushed: tuple[RunningService, str, str, str]) -> None:
    registry, _, other, uscc = pushed
    assert (await registry.client.get(f"/v1/enterprises/{uscc}", headers=as_provider(other))).status_code == 403


async def test_project_progress(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, other)):
        c = registry.client
        assert (await c.post("/v1/enterprises", json=CITY_ENTERPRISE)).status_code == 201
        project = (
            await c.post("/v1/projects", json={"uscc": CITY_ENTERPRISE["uscc"], "provider_id": pid, "title": "MES"})
        ).json()
        jid = project["project_id"]
        me = bearer(Role.PROVIDER, provider_id=pid)
        batch = [progress_record("p1", jid, "strategy")]  # 诊断评估 is the expert's to complete
        r = (await c.post("/v1/push/records", json=batch, headers=me)).json()["results"][0]
        assert (r["status"], r["errors"][0]["code"]) == ("rejected", "role_may_not_move")
        assert r["errors"][0]["message"] == "a provider may not complete the diagnosis stage (expert does)"
        assert (await c.post(f"/v1/projects/{jid}/transitions", json={"to_stage": "strategy"})).status_code == 200
        batch = [
            progress_record("p2", jid, "design"),
            progress_record("p3", jid, "implementation"),
            progress_record("p4", jid, "evaluation"),  # skips 优惠政策申报
        ]
        report = (await c.post("/v1/push/records", json={"records": batch}, headers=me)).json()
        assert [r["status"] for r in report["results"]] == ["updated", "updated", "rejected"]
        assert report["results"][2]["errors"][0]["message"].endswith("is in implementation; allowed next: policy")
        history = (await c.get(f"/v1/projects/{jid}/transitions")).json()
        assert [(t["to_stage"], t["role"]) for t in history][-2:] == [
            ("design", "provider"),
            ("implementation", "provider"),
        ]
        r = (
            await c.post(
                "/v1/push/records",
                json=[progress_record("x", jid, "policy")],
                headers=bearer(Role.PROVIDER, provider_id=other),
            )
        ).json()
        assert r["results"][0]["errors"][0]["code"] == "not_on_project"
        again = (await c.post("/v1/push/records", json={"records": batch[:2]}, headers=me)).json()
        assert [r["status"] for r in again["results"]] == ["unchanged", "unchanged"]
        changed = (
            await c.post("/v1/push/records", json=[progress_record("p2", jid, "design", version=2)], headers=me)
        ).json()
        assert changed["results"][0]["errors"][0]["code"] == "transition_immutable"
        assert (await c.get(f"/v1/projects/{jid}")).json()["stage"] == "implementation"


async def test_quality_score_and_who_sees_it(migrated_db: MigratedDbFactory) -> None:
    rng = random.Random(3)
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, other)):
        c = registry.client
        me = bearer(Role.PROVIDER, provider_id=pid)
        full: dict[str, Any] = {
            "employees": 50,
            "revenue_yuan": "1000000",
            "revenue_year": 2025,
            "cluster": "T1",
            "chain_platforms": ["某链主平台"],
            "contacts": [{"name": "张三"}],
        }
        late = enterprise_record("late", random_uscc(rng), **full)
        late["occurred_at"] = (NOW - timedelta(days=30)).isoformat()
        batch = [
            enterprise_record("full", random_uscc(rng), **full),
            late,
            enterprise_record("bare", random_uscc(rng)),
            {"record_id": "broken"},
        ]
        assert (await c.post("/v1/push/records", json=batch, headers=me)).status_code == 200
        await c.post("/v1/push/records", json=batch[:3], headers=me)  # a retry: not counted again
        q = (await c.get(f"/v1/providers/{pid}/quality", headers=me)).json()
        # 4 records, 1 rejected; optional fields 6+6+0 of 18; timely 2 of 3
        assert (q["records"], q["rejected"], q["batches"]) == (4, 1, 2)
        assert (q["rejected_share"], q["completeness"], q["timeliness"]) == (0.25, 0.6667, 0.6667)
        assert q["score"] == 70.8  # 37.5 + 16.6675 + 16.6675 = 70.835
        assert (
            await c.get(f"/v1/providers/{pid}/quality", headers=bearer(Role.PROVIDER, provider_id=other))
        ).status_code == 403
        everyone = (await c.get("/v1/push/quality")).json()
        assert [x["provider_id"] for x in everyone] == [pid]
        assert (await c.get("/v1/push/quality", headers=me)).status_code == 403
        mine = (await c.get("/v1/push/batches", headers=me)).json()
        assert [b["records"] for b in mine] == [3, 4]
        assert (await c.get("/v1/push/batches", headers=bearer(Role.PROVIDER, provider_id=other))).json() == []
        metrics = (await c.get("/metrics")).text
        assert f'push_records_total{{provider_id="{pid}",status="rejected"}}' in metrics
        nobody = (await c.get(f"/v1/providers/{other}/quality")).json()
        assert (nobody["records"], nobody["score"]) == (0, None)
        # published when it changes (the retry left the 30-day score as it was): the catalog keeps it
        published = await registry.outbox("registry.provider.quality-scored")
        assert [(e["provider_id"], e["score"], e["records"], e["days"]) for e in published] == [(pid, "70.8", 4, 30)]


WHOLE_BATCH_ERRORS: list[tuple[str, bytes, str, int, str]] = [
    ("not JSON", b"{nope", "application/json", 422, "not valid JSON"),
    ("CSV", b"a,b", "text/csv", 415, "application/x-ndjson"),
    ("no records", b'{"records": []}', "application/json", 422, "no records"),
    (
        "too many",
        ndjson([enterprise_record(f"r{i}", "x") for i in range(10_001)]),
        NDJSON["Content-Type"],
        413,
        "at most 10000",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "content_type", "status", "message"), WHOLE_BATCH_ERRORS, ids=[c[0] for c in WHOLE_BATCH_ERRORS]
)
async def test_a_batch_that_cannot_be_read_fails_as_a_whole_and_stores_nothing(
    migrated_db: MigratedDbFactory, case: str, body: bytes, content_type: str, status: int, message: str
) -> None:
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        headers = {**as_provider(pid), "Content-Type": content_type}
        r = await registry.client.post("/v1/push/records", content=body, headers=headers)
        assert r.status_code == status
        assert message in r.json()["message"]
        assert r.json()["errors"][0]["field"] == "body"
        assert await registry.count(Enterprise) == 0


async def test_a_bad_ndjson_line_is_a_rejected_record_not_a_failed_batch(migrated_db: MigratedDbFactory) -> None:
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        r = await registry.client.post(
            "/v1/push/records", content=b'{"a":\n\n[1]', headers={**as_provider(pid), **NDJSON}
        )
        results = r.json()["results"]
        assert [(r["index"], r["errors"][0]["code"]) for r in results] == [(1, "invalid_json"), (3, "not_an_object")]


async def test_a_suspended_provider_may_not_push(migrated_db: MigratedDbFactory) -> None:
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        await registry.client.post(f"/v1/providers/{pid}/status", json={"status": "suspended", "reason": "违规"})
        record = enterprise_record("s", random_uscc(random.Random(2)))
        r = await registry.client.post("/v1/push/records", json=[record], headers=as_provider(pid))
        assert r.status_code == 403
        assert "suspended" in r.json()["message"]
        assert await registry.count(Enterprise) == 0


async def test_an_organisation_code_mismatch_is_created_with_a_warning(migrated_db: MigratedDbFactory) -> None:
    body = "91350100M000100Y5"  # position 17 differs from GB 11714's check: a warning, not a rejection
    odd = body + check_character(body)
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        r = await registry.client.post(
            "/v1/push/records",
            json={"records": [enterprise_record("odd", odd), enterprise_record("fine", random_uscc(random.Random(3)))]},
            headers=bearer(Role.PROVIDER, provider_id=pid),
        )
        odd_result, fine_result = r.json()["results"]
        assert odd_result["status"] == "created"
        assert [(w["field"], w["code"]) for w in odd_result["warnings"]] == [("data.uscc", "uscc_org_check_mismatch")]
        assert fine_result["warnings"] == []
