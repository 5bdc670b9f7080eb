"""Adoptions over HTTP: recorded in scope, outcomes verified by the district, ratings and complaints, and what
they do to the provider's rating and the supply-demand view."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from catalog.main import spec
from catalog.models import Adoption
from contracts.api.journey import Stage
from contracts.events.registry import ProjectCreated, ProviderQualityScored
from contracts.uscc import check_character
from testkit.catalog import (
    DISTRICT,
    ENTERPRISE,
    FAR_DISTRICT,
    NOW,
    OTHER,
    OTHER_ENTERPRISE,
    PROVIDER,
    RIVAL,
    finalised,
    listed,
    provider,
    registered,
    tell,
    weak_in,
)
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test

ADOPTED = {"delivery": "saas", "adopted_on": "2026-05-02"}


async def adopt(svc: RunningService, solution_id: str) -> str:
    answer = await svc.client.post("/v1/adoptions", json={**ADOPTED, "solution_id": solution_id}, headers=ENTERPRISE)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["adoption_id"])


async def test_outcomes_count_once_verified_and_ratings_and_complaints_move_the_provider(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *provider())
        solution_id = await listed(svc)
        adoption_id = await adopt(svc, solution_id)
        figure = {"metric": "energy", "unit": "kWh/件", "before": "2.0", "after": "1.5", "measured_on": "2026-09-01"}
        recorded = await svc.client.post(f"/v1/adoptions/{adoption_id}/outcomes", json=figure, headers=PROVIDER)
        assert recorded.status_code == 201 and recorded.json()["improvement_pct"] == "25.0"
        base = (await svc.client.get("/v1/providers/pv_1/rating")).json()
        assert base["verified_outcomes"] == 0 and base["score"] == "55.0"
        outcome_id = recorded.json()["outcome_id"]
        far = await svc.client.post(f"/v1/outcomes/{outcome_id}/verification", headers=FAR_DISTRICT)
        assert far.status_code == 403
        verified = await svc.client.post(f"/v1/outcomes/{outcome_id}/verification", headers=DISTRICT)
        assert verified.status_code == 200 and verified.json()["verified_by"]
        assert (await svc.client.post(f"/v1/outcomes/{outcome_id}/verification", headers=DISTRICT)).status_code == 409
        rating = await svc.client.put(
            f"/v1/adoptions/{adoption_id}/rating", json={"stars": 5, "comment": "响应快"}, headers=ENTERPRISE
        )
        assert rating.status_code == 200
        await tell(
            svc, ProviderQualityScored(provider_id="pv_1", score=Decimal("90"), days=30, records=10, scored_at=NOW)
        )
        rated = (await svc.client.get("/v1/providers/pv_1/rating", headers=ENTERPRISE)).json()
        assert rated["verified_outcomes"] == 1 and rated["average_stars"] == "5.00"
        assert rated["data_quality"] == "90" and Decimal(rated["score"]) > Decimal(base["score"])
        complaint = await svc.client.post(
            "/v1/complaints", json={"adoption_id": adoption_id, "text": "实施延期三个月"}, headers=ENTERPRISE
        )
        assert complaint.status_code == 201
        lower = (await svc.client.get("/v1/providers/pv_1/rating")).json()
        assert lower["unresolved_complaints"] == 1 and Decimal(lower["score"]) == Decimal(rated["score"]) - 5
        against = (await svc.client.get("/v1/complaints", headers=PROVIDER)).json()
        assert [c["complaint_id"] for c in against] == [complaint.json()["complaint_id"]]
        assert (await svc.client.get("/v1/complaints", headers=RIVAL)).json() == []
        resolution = {"resolution": "已补偿", "upheld": True}
        resolved = await svc.client.post(
            f"/v1/complaints/{complaint.json()['complaint_id']}/resolution", json=resolution, headers=DISTRICT
        )
        assert resolved.status_code == 200
        mine = (await svc.client.get("/v1/adoptions", headers=ENTERPRISE)).json()
        assert mine[0]["cloud"] is True and mine[0]["rating"]["stars"] == 5 and len(mine[0]["outcomes"]) == 1
        events = [e["improvement_pct"] for e in await svc.outbox("catalog.outcome.verified")]
        assert events == ["25.0"] and [e["stars"] for e in await svc.outbox("catalog.provider.rated")] == [5]
        assert [e["cloud"] for e in await svc.outbox("catalog.adoption.recorded")] == [True]


async def test_who_may_record_an_adoption(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), registered(OTHER, "500104"), *provider("pv_1"), *provider("pv_2"))
        solution_id = await listed(svc)
        body = {**ADOPTED, "solution_id": solution_id, "uscc": OTHER}
        assert (await svc.client.post("/v1/adoptions", json=body, headers=ENTERPRISE)).status_code == 403
        assert (await svc.client.post("/v1/adoptions", json=body, headers=DISTRICT)).status_code == 403
        assert (await svc.client.post("/v1/adoptions", json=body, headers=RIVAL)).status_code == 403
        no_project = await svc.client.post("/v1/adoptions", json=body, headers=PROVIDER)
        assert no_project.status_code == 422 and no_project.json()["errors"][0]["field"] == "project_id"
        project = ProjectCreated(
            project_id="pj_9",
            uscc=OTHER,
            district_code="500104",
            provider_id="pv_1",
            stage=Stage.DIAGNOSIS,
            created_at=datetime.now(UTC),
        )
        await tell(svc, project)
        by_provider = await svc.client.post("/v1/adoptions", json={**body, "project_id": "pj_9"}, headers=PROVIDER)
        assert by_provider.status_code == 201, by_provider.text
        twice = await svc.client.post("/v1/adoptions", json={**body, "project_id": "pj_9"}, headers=PROVIDER)
        assert twice.status_code == 409
        on_premises = {**ADOPTED, "solution_id": solution_id, "delivery": "on_premises"}
        wrong = await svc.client.post("/v1/adoptions", json=on_premises, headers=ENTERPRISE)
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "delivery"
        assert await svc.count(Adoption) == 1
        adoption_id = by_provider.json()["adoption_id"]
        implausible = {"metric": "cost", "unit": "元", "before": "1", "after": "1000", "measured_on": "2026-09-01"}
        answer = await svc.client.post(f"/v1/adoptions/{adoption_id}/outcomes", json=implausible, headers=PROVIDER)
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "after", answer.text
        assert (await svc.client.get("/v1/adoptions", headers=OTHER_ENTERPRISE)).json()[0]["project_id"] == "pj_9"
        assert (await svc.client.get("/v1/adoptions", headers=ENTERPRISE)).json() == []
        rate = await svc.client.put(
            f"/v1/adoptions/{by_provider.json()['adoption_id']}/rating", json={"stars": 1}, headers=ENTERPRISE
        )
        assert rate.status_code == 404


async def test_the_supply_demand_view_shows_gaps_and_procurement_lots(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, *provider())
        usccs = [f"91500000MA5U{n:05d}" + check_character(f"91500000MA5U{n:05d}") for n in range(6)]
        await tell(svc, *[registered(u) for u in usccs])
        await tell(svc, *[finalised(weak_in("equipment", "energy"), uscc=u, assessment_id=f"as_{u}") for u in usccs])
        solution_id = await listed(svc)  # serves equipment
        view = (await svc.client.get("/v1/supply-demand", params={"industry": "SUB-C367"}, headers=PROVIDER)).json()
        by_scene = {s["scene"]: s for s in view["scenes"]}
        assert by_scene["equipment"]["demand_enterprises"] == 6 and by_scene["equipment"]["listed_solutions"] == 1
        assert by_scene["equipment"]["gap"] is True and by_scene["finance"]["gap"] is False
        assert {lot["scene"] for lot in view["procurement"]} >= {"equipment", "energy"}
        assert "uscc" not in str(view)
        adoption = await svc.client.post(
            "/v1/adoptions",
            json={**ADOPTED, "solution_id": solution_id, "uscc": usccs[0]},
            headers=DISTRICT,
        )
        assert adoption.status_code == 201, adoption.text
        figure = {"metric": "efficiency", "unit": "件/时", "before": "10", "after": "12", "measured_on": "2026-09-01"}
        outcome = await svc.client.post(
            f"/v1/adoptions/{adoption.json()['adoption_id']}/outcomes", json=figure, headers=DISTRICT
        )
        await svc.client.post(f"/v1/outcomes/{outcome.json()['outcome_id']}/verification", headers=DISTRICT)
        view = (await svc.client.get("/v1/supply-demand?industry=SUB-C367")).json()
        equipment = next(s for s in view["scenes"] if s["scene"] == "equipment")
        assert equipment["proven_solutions"] == 1 and equipment["gap"] is False
        assert (await svc.client.get("/v1/supply-demand?industry=Z99")).status_code == 422
        assert (await svc.client.get("/v1/supply-demand?industry=C36", headers=ENTERPRISE)).status_code == 403
