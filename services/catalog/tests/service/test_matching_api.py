"""Matching over HTTP on a constructed catalogue: from the latest assessment (its derived demand), from posted
demands without one; suspended solutions and providers never appear; the answer explains itself."""

from __future__ import annotations

from datetime import timedelta

from catalog.main import spec
from catalog.models import Demand
from contracts.api.journey import ProviderStatus
from contracts.events.registry import ProviderStatusChanged
from testkit.catalog import (
    DISTRICT,
    ENTERPRISE,
    FAR_DISTRICT,
    NOW,
    OTHER,
    OTHER_ENTERPRISE,
    RIVAL,
    USCC,
    finalised,
    listed,
    provider,
    registered,
    solution,
    tell,
    weak_in,
)
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test


async def catalogue(svc: RunningService) -> dict[str, str]:
    """Solutions for equipment, energy, both, another industry, and another scene."""
    await tell(svc, *provider("pv_1"), *provider("pv_2"))
    return {
        "both": await listed(svc, solution("设备能耗一体化", {"equipment": 3, "energy": 3})),
        "equipment": await listed(svc, solution("设备点检", {"equipment": 2})),
        "energy": await listed(svc, solution("能耗看板", {"energy": 3}), headers=RIVAL),
        "food": await listed(svc, solution("食品设备", {"equipment": 3, "energy": 3}, industries=["C13"])),
        "finance": await listed(svc, solution("云财务", {"finance": 3}, category="finance")),
    }


async def test_an_assessed_c36_enterprise_gets_its_weak_scenes_first(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        ids = await catalogue(svc)
        await tell(svc, registered(), finalised(weak_in("equipment", "energy")))
        demand = (await svc.client.get("/v1/demands", headers=ENTERPRISE)).json()
        assert [(d["source"], d["scenes"][:2]) for d in demand] == [("assessment", ["equipment", "energy"])]
        answer = await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=ENTERPRISE)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["based_on"] == "assessment" and body["weak_scenes"][:2] == ["equipment", "energy"]
        ranked = [m["solution_id"] for m in body["matches"]]
        assert ranked[:3] == [ids["both"], ids["equipment"], ids["energy"]]
        assert ids["food"] not in ranked and ids["finance"] not in ranked
        first = body["matches"][0]
        assert first["addresses"] == ["equipment", "energy"] and first["price_after_discount_fen"] == 1_600_000
        words = " ".join(r["zh"] for r in first["reasons"])
        assert "设备管理" in words and "能耗管理" in words and "让利20%" in words
        again = (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=DISTRICT)).json()
        assert again["matches"] == body["matches"]


async def test_suspended_solutions_and_providers_never_appear(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        ids = await catalogue(svc)
        await tell(svc, registered(), finalised(weak_in("equipment", "energy")))
        await svc.client.post(f"/v1/solutions/{ids['both']}/suspension", json={"reason": "整改"})
        suspended = ProviderStatusChanged(
            provider_id="pv_2",
            before=ProviderStatus.APPROVED,
            after=ProviderStatus.SUSPENDED,
            reason="违规",
            changed_at=NOW,
        )
        await tell(svc, suspended)
        body = (await svc.client.get(f"/v1/enterprises/{USCC}/matches")).json()
        assert [m["solution_id"] for m in body["matches"]] == [ids["equipment"]]
        found = (await svc.client.get("/v1/solutions?scene=energy")).json()["items"]
        assert [s["solution_id"] for s in found] == [ids["food"]]  # not "both" (suspended), not pv_2's


async def test_an_enterprise_without_an_assessment_is_matched_from_its_demands(
    migrated_db: MigratedDbFactory,
) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        ids = await catalogue(svc)
        await tell(svc, registered())
        nothing = (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=ENTERPRISE)).json()
        assert nothing["based_on"] == "profile"
        posted = await svc.client.post(
            "/v1/demands", json={"scenes": ["finance"], "budget_fen": 1_000_000}, headers=ENTERPRISE
        )
        assert posted.status_code == 201, posted.text
        body = (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=ENTERPRISE)).json()
        assert body["based_on"] == "demands" and body["budget_fen"] == 1_000_000
        assert [m["solution_id"] for m in body["matches"]] == [ids["finance"]]
        assert [r["kind"] for r in body["matches"][0]["reasons"] if r["kind"] == "budget"] == ["budget"]
        assert [e["source"] for e in await svc.outbox("catalog.demand.posted")] == ["posted"]


async def test_a_newer_assessment_updates_the_derived_demand_and_an_older_one_does_not(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), finalised(weak_in("equipment"), assessment_id="as_1"))
        await tell(svc, finalised(weak_in("quality"), assessment_id="as_2", at=NOW + timedelta(days=30)))
        await tell(svc, finalised(weak_in("safety"), assessment_id="as_0", at=NOW - timedelta(days=30)))
        demands = (await svc.client.get("/v1/demands")).json()
        assert [(d["assessment_id"], d["scenes"][0]) for d in demands] == [("as_2", "quality")]
        assert await svc.count(Demand) == 1
        assert len(await svc.outbox("catalog.demand.posted")) == 2


async def test_matches_and_demands_are_scoped(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), registered(OTHER, "500104"))
        assert (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=OTHER_ENTERPRISE)).status_code == 403
        assert (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=FAR_DISTRICT)).status_code == 403
        body = {"uscc": OTHER, "scenes": ["energy"]}
        assert (await svc.client.post("/v1/demands", json=body, headers=DISTRICT)).status_code == 403
        assert (await svc.client.post("/v1/demands", json=body, headers=FAR_DISTRICT)).status_code == 201
        assert (await svc.client.get("/v1/demands", headers=DISTRICT)).json() == []
        bad = await svc.client.post("/v1/demands", json={"scenes": ["warp"]}, headers=ENTERPRISE)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("scenes")


async def test_the_fast_lane_answers_as_the_full_route(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await catalogue(svc)
        await tell(svc, registered(), finalised(weak_in("equipment", "energy")))
        path = f"/v1/enterprises/{USCC}/matches"
        fast = await svc.client.get(f"{path}?limit=2", headers=ENTERPRISE)
        # a repeated parameter is not the fast lane's (servicekit.fastlane): FastAPI's route answers it
        full = await svc.client.get(f"{path}?limit=2&limit=2", headers=ENTERPRISE)
        assert fast.status_code == full.status_code == 200
        assert fast.json() == full.json() and len(fast.json()["matches"]) == 2
        unknown = [await svc.client.get(f"/v1/enterprises/{OTHER}/matches{q}") for q in ("", "?limit=3&limit=3")]
        assert [a.status_code for a in unknown] == [404, 404] and unknown[0].json() == unknown[1].json()


async def test_malformed_match_requests_get_field_errors(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        for query, field in (("?limit=0", "limit"), ("?limit=51", "limit"), ("?limit=ten", "limit")):
            answer = await svc.client.get(f"/v1/enterprises/{USCC}/matches{query}")
            assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, query
        short = await svc.client.get(f"/v1/enterprises/{USCC[:17]}/matches")
        assert short.status_code == 422 and short.json()["errors"][0]["field"] == "uscc"
        assert (
            await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers={"Authorization": ""})
        ).status_code == 401
        assert (await svc.client.get(f"/v1/enterprises/{USCC}/matches", headers=RIVAL)).status_code == 403  # a provider
