"""T0 and T1 assessments of a transformation project, across four services on one broker: the level
change is published and lands in finance's and the indexer's read models, and makes the enterprise
eligible for the transformation subsidy when a bank asks finance (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from assessment.main import spec as assessment_spec
from assessment.scoring.examples import BELOW_FORTY, answers, scenes
from contracts.api.identity import Role
from devstack.broker import Broker
from finance.main import spec as finance_spec
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from testkit.data import filed_project
from testkit.databases import DbFactory
from testkit.services import RunningService, running_service
from testkit.tokens import bearer
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

USCC = "91350100M000100Y43"
EXPERT = bearer(Role.EXPERT, districts=["500103"])
ENTERPRISE = bearer(Role.ENTERPRISE, uscc=USCC)
BANK = bearer(Role.BANK, bank_id="cqrcb")
SUBSIDY = f"/v1/eligibility/{USCC}?product=transformation-subsidy"
# T1: all four data-security measures (+5) and a pass rate no longer falling (+3.5): 48.375
BETTER = {**BELOW_FORTY, "data_security": ["policy", "tools", "risk_assessment", "inventory"], "pass_rate": ["same"]}


async def got(svc: RunningService, path: str) -> bool:
    return (await svc.client.get(path)).status_code == 200


async def assess(svc: RunningService, project_id: str, phase: str, body: dict[str, Any]) -> str:
    c = svc.client
    r = await c.post(
        "/v1/assessments",
        json={"uscc": USCC, "project_id": project_id, "phase": phase, "answers": body},
        headers=EXPERT,
    )
    assert r.status_code == 201, r.text
    aid = r.json()["assessment_id"]
    assert (
        await c.post(f"/v1/assessments/{aid}/submission", json={"pledge": True, "pledged_by": "王五"}, headers=EXPERT)
    ).status_code == 200
    assert (await c.post(f"/v1/assessments/{aid}/finalisation", json={}, headers=EXPERT)).status_code == 200
    return aid


async def consent_given(finance: RunningService) -> bool:
    """The enterprise consents once finance has learnt of it from the registry's events."""
    body = {"bank_id": "cqrcb", "product_id": "transformation-subsidy", "valid_until": "2027-12-31"}
    return (await finance.client.post("/v1/consents", json=body, headers=ENTERPRISE)).status_code == 201


async def failing_rules(finance: RunningService) -> list[str]:
    answer = (await finance.client.get(SUBSIDY, headers=BANK)).json()
    return [r["id"] for r in answer["rules"] if not r["passed"]]


async def test_t0_to_t1_reaches_finance_and_the_indexer(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    async with (
        running_service(registry_spec, broker, await make_db(db_kind)) as registry,
        running_service(assessment_spec, broker, await make_db(db_kind)) as assessment,
        running_service(finance_spec, broker, await make_db(db_kind)) as finance,
        running_service(indexer_spec, broker, await make_db(db_kind)) as indexer,
    ):
        c = registry.client
        _, jid = await filed_project(c, USCC)
        # enterprises and projects travel on different topics: the assessment service needs both
        await wait_for(lambda: got(assessment, f"/v1/known-projects/{jid}"), timeout=60, what="the project")
        await wait_for(lambda: got(assessment, f"/v1/known-enterprises/{USCC}"), timeout=60, what="the enterprise")
        await wait_for(lambda: consent_given(finance), timeout=60, what="finance to know the enterprise")
        await wait_for(
            lambda: got(finance, f"/v1/known-projects/{jid}"), timeout=60, what="finance to know the project"
        )
        assert await failing_rules(finance) == ["t1-level-2", "level-rose"]  # not measured yet

        t0 = await assess(assessment, jid, "T0", answers(BELOW_FORTY, scenes(3, 3, 2)))
        t1 = await assess(assessment, jid, "T1", answers(BETTER, scenes(4, 3, 2)))

        for svc in (finance, indexer):

            async def measured(svc: RunningService = svc) -> bool:
                return await got(svc, f"/v1/known-level-changes/{jid}")

            await wait_for(measured, timeout=60, what=f"{svc.app.title}")
            change = (await svc.client.get(f"/v1/known-level-changes/{jid}")).json()
            assert (change["t0_assessment_id"], change["t1_assessment_id"]) == (t0, t1)
            assert (change["t0_level"], change["t1_level"], change["level_delta"], change["reached_level_2"]) == (
                1,
                2,
                1,
                True,
            )
            assert (change["t0_total"], change["t1_total"], change["total_delta"]) == ("39.875", "48.375", "8.5")
            other_unit = bearer(Role.DISTRICT, districts=["500104"])
            assert (await svc.client.get(f"/v1/known-level-changes/{jid}", headers=other_unit)).status_code == 403

        assert await failing_rules(finance) == []  # eligible, from events alone: no call between services
        subsidy = (await finance.client.get(SUBSIDY, headers=BANK)).json()
        assert (subsidy["eligible"], subsidy["subsidy_headroom_fen"]) == (True, 50_000_000)

        levels = (await indexer.client.get("/v1/stats/levels")).json()
        assert (levels["assessed"], levels["level_2_or_above"]) == (1, 1)
        unit = next(d for d in levels["districts"] if d["district_code"] == "500103")
        assert (unit["by_level"], unit["share_level_2_or_above"]) == ({"0": 0, "1": 0, "2": 1, "3": 0, "4": 0}, 1.0)

        report = (await assessment.client.get(f"/v1/assessments/{t1}/report")).text
        assert "改造前后对比" in report and "+8.5" in report
