"""The listing workflow over HTTP: nothing listed without review, drafts private to their owner, an edit of a
listed solution waits for review while the listed version stays, suspension reaches the adopters."""

from __future__ import annotations

from catalog.main import spec
from catalog.models import Solution
from testkit.catalog import ENTERPRISE, PROVIDER, RIVAL, listed, provider, registered, solution, tell
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test


async def test_nothing_is_listed_before_the_city_approves(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, *provider())
        submitted = await svc.client.post("/v1/solutions", json=solution(), headers=PROVIDER)
        assert submitted.status_code == 201, submitted.text
        body = submitted.json()
        assert body["status"] == "submitted" and body["listed"] is None and body["pending"]["revision"] == 1
        assert (await svc.client.get("/v1/solutions", headers=ENTERPRISE)).json()["items"] == []
        hidden = await svc.client.get(f"/v1/solutions/{body['solution_id']}", headers=ENTERPRISE)
        assert hidden.status_code == 404
        rejected = await svc.client.post(
            f"/v1/solutions/{body['solution_id']}/review",
            json={"revision": 1, "decision": "reject", "reasons": ["价格说明不完整"]},
        )
        assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
        assert rejected.json()["last_rejection"]["review_reasons"] == ["价格说明不完整"]
        assert await svc.outbox("catalog.solution.listed") == []
        solution_id = await listed(svc)
        found = (await svc.client.get("/v1/solutions", headers=ENTERPRISE)).json()["items"]
        assert [s["solution_id"] for s in found] == [solution_id]
        assert found[0]["price_after_discount_fen"] == 1_600_000
        assert [e["solution_id"] for e in await svc.outbox("catalog.solution.listed")] == [solution_id]


async def test_a_provider_cannot_see_or_edit_another_providers_drafts(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, *provider("pv_1"), *provider("pv_2"))
        draft = (await svc.client.post("/v1/solutions", json=solution(), headers=PROVIDER)).json()["solution_id"]
        assert (await svc.client.get(f"/v1/solutions/{draft}", headers=RIVAL)).status_code == 404
        edit = await svc.client.put(f"/v1/solutions/{draft}", json=solution("改名"), headers=RIVAL)
        assert edit.status_code == 404
        assert (await svc.client.get("/v1/providers/pv_1/solutions", headers=RIVAL)).status_code == 403
        solution_id = await listed(svc)
        edit = await svc.client.put(f"/v1/solutions/{solution_id}", json=solution("改名"), headers=RIVAL)
        assert edit.status_code == 403
        own = (await svc.client.get("/v1/providers/pv_1/solutions", headers=PROVIDER)).json()
        assert sorted(s["solution_id"] for s in own) == sorted([draft, solution_id])


async def test_an_edit_of_a_listed_solution_keeps_the_listed_version_until_approved(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, *provider())
        solution_id = await listed(svc)
        edited = await svc.client.put(f"/v1/solutions/{solution_id}", json=solution("设备云管家二代"), headers=PROVIDER)
        assert edited.status_code == 200 and edited.json()["pending"]["revision"] == 2
        public = (await svc.client.get(f"/v1/solutions/{solution_id}", headers=ENTERPRISE)).json()
        assert public["status"] == "listed" and public["listed"]["content"]["name"] == "设备云管家"
        assert public["pending"] is None
        assert [s["name"] for s in (await svc.client.get("/v1/solutions?q=二代")).json()["items"]] == []
        stale = await svc.client.post(
            f"/v1/solutions/{solution_id}/review", json={"revision": 1, "decision": "approve"}
        )
        assert stale.status_code == 409
        approved = await svc.client.post(
            f"/v1/solutions/{solution_id}/review", json={"revision": 2, "decision": "approve"}
        )
        assert approved.json()["listed"]["content"]["name"] == "设备云管家二代"
        assert [s["name"] for s in (await svc.client.get("/v1/solutions?q=二代")).json()["items"]] == ["设备云管家二代"]


async def test_a_suspension_reaches_the_adopters_and_an_appeal_can_reinstate(
    migrated_db: MigratedDbFactory,
) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *provider())
        solution_id = await listed(svc)
        adoption = {"solution_id": solution_id, "delivery": "saas", "adopted_on": "2026-05-02"}
        assert (await svc.client.post("/v1/adoptions", json=adoption, headers=ENTERPRISE)).status_code == 201
        suspended = await svc.client.post(f"/v1/solutions/{solution_id}/suspension", json={"reason": "虚假宣传"})
        assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
        assert [e["adopters"] for e in await svc.outbox("catalog.solution.suspended")] == [1]
        notified = await svc.outbox("catalog.adoption.notified")
        assert [(e["uscc"], e["solution_status"]) for e in notified] == [(registered().uscc, "suspended")]
        mine = (await svc.client.get("/v1/adoptions", headers=ENTERPRISE)).json()
        assert "虚假宣传" in mine[0]["notice"]
        assert (await svc.client.get("/v1/solutions", headers=ENTERPRISE)).json()["items"] == []
        again = await svc.client.post(f"/v1/solutions/{solution_id}/suspension", json={"reason": "再次"})
        assert again.status_code == 409
        appeal = await svc.client.post(
            f"/v1/solutions/{solution_id}/appeal", json={"statement": "已整改"}, headers=PROVIDER
        )
        assert appeal.status_code == 200 and appeal.json()["appeal"] == "已整改"
        decided = await svc.client.post(
            f"/v1/solutions/{solution_id}/appeal-decision", json={"outcome": "reinstate", "reason": "整改到位"}
        )
        assert decided.json()["status"] == "listed"
        assert len((await svc.client.get("/v1/solutions", headers=ENTERPRISE)).json()["items"]) == 1


async def test_only_an_approved_provider_submits_and_bad_solutions_get_field_errors(
    migrated_db: MigratedDbFactory,
) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        assert (await svc.client.post("/v1/solutions", json=solution(), headers=PROVIDER)).status_code == 403
        await tell(svc, *provider())
        cases = {
            "category": solution(category="blockchain"),
            "scenes": solution(scenes={"teleportation": 2}),
            "industries": solution(industries=["A01"]),
            "discount_pct": solution(discount_pct="95"),
            "price_tiers": solution(price_tiers=[]),
        }
        for field, body in cases.items():
            answer = await svc.client.post("/v1/solutions", json=body, headers=PROVIDER)
            assert answer.status_code == 422, (field, answer.text)
            assert field in answer.json()["errors"][0]["field"], (field, answer.text)
        assert await svc.count(Solution) == 0
