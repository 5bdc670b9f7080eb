"""An assessment finalised in the assessment service yields a derived demand and ranked matches in the catalog,
from events alone: the registry announces the enterprise and the provider, the assessment service the result
(SQLite and PostgreSQL, one broker)."""

from __future__ import annotations

import pytest

from assessment.main import spec as assessment_spec
from assessment.scoring.examples import BELOW_FORTY, answers, scenes
from catalog.main import spec as catalog_spec
from contracts.api.identity import Role
from contracts.codes import miit_scenes
from devstack.broker import Broker
from registry.main import spec as registry_spec
from testkit.catalog import solution
from testkit.data import filed_project
from testkit.databases import DbFactory
from testkit.services import RunningService, running_service
from testkit.tokens import bearer
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

USCC = "91350100M000100Y43"
EXPERT = bearer(Role.EXPERT, districts=["500103"])
ENTERPRISE = bearer(Role.ENTERPRISE, uscc=USCC)


async def list_solution(catalog: RunningService, provider: dict[str, str], body: dict[str, object]) -> str | None:
    """Submitted (once the catalog knows the provider is approved) and approved by the city."""
    submitted = await catalog.client.post("/v1/solutions", json=body, headers=provider)
    if submitted.status_code == 403:
        return None
    assert submitted.status_code == 201, submitted.text
    sid = submitted.json()["solution_id"]
    review = await catalog.client.post(f"/v1/solutions/{sid}/review", json={"revision": 1, "decision": "approve"})
    assert review.status_code == 200, review.text
    return str(sid)


async def test_a_finalised_assessment_yields_a_demand_and_matches(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    async with (
        running_service(registry_spec, broker, await make_db(db_kind)) as registry,
        running_service(assessment_spec, broker, await make_db(db_kind)) as assessment,
        running_service(catalog_spec, broker, await make_db(db_kind)) as catalog,
    ):
        pid, jid = await filed_project(registry.client, USCC)
        provider = bearer(Role.PROVIDER, provider_id=pid)
        every_scene = dict.fromkeys(miit_scenes(), 3)
        listed: list[str] = []

        async def listed_once() -> bool:
            sid = await list_solution(catalog, provider, solution("全场景轻量化套件", every_scene))
            listed.extend([sid] if sid else [])
            return sid is not None

        await wait_for(listed_once, timeout=60, what="the catalog to know the approved provider")
        food = await list_solution(catalog, provider, solution("食品追溯", every_scene, industries=["C13"]))

        async def known(svc: RunningService, path: str) -> bool:
            return (await svc.client.get(path)).status_code == 200

        await wait_for(lambda: known(assessment, f"/v1/known-projects/{jid}"), timeout=60, what="the project")
        await wait_for(lambda: known(catalog, f"/v1/known-enterprises/{USCC}"), timeout=60, what="the enterprise")
        before = (await catalog.client.get(f"/v1/enterprises/{USCC}/matches", headers=ENTERPRISE)).json()
        assert before["based_on"] == "profile"

        c = assessment.client
        body = {"uscc": USCC, "project_id": jid, "phase": "T0", "answers": answers(BELOW_FORTY, scenes(3, 3, 2))}
        created = await c.post("/v1/assessments", json=body, headers=EXPERT)
        assert created.status_code == 201, created.text
        aid = created.json()["assessment_id"]
        pledge = {"pledge": True, "pledged_by": "王五"}
        assert (await c.post(f"/v1/assessments/{aid}/submission", json=pledge, headers=EXPERT)).status_code == 200
        assert (await c.post(f"/v1/assessments/{aid}/finalisation", json={}, headers=EXPERT)).status_code == 200

        async def derived() -> bool:
            demands = (await catalog.client.get("/v1/demands", headers=ENTERPRISE)).json()
            return any(d["assessment_id"] == aid for d in demands)

        await wait_for(derived, timeout=60, what="the derived demand")
        demand = (await catalog.client.get("/v1/demands", headers=ENTERPRISE)).json()[0]
        assert demand["source"] == "assessment" and len(demand["scenes"]) == 3
        matches = (await catalog.client.get(f"/v1/enterprises/{USCC}/matches", headers=ENTERPRISE)).json()
        assert (matches["based_on"], matches["assessment_id"]) == ("assessment", aid)
        assert matches["weak_scenes"] == demand["scenes"]
        assert [m["solution_id"] for m in matches["matches"]] == listed  # the C13 one does not fit C36
        assert food not in [m["solution_id"] for m in matches["matches"]]
        assert matches["matches"][0]["addresses"] == demand["scenes"]
