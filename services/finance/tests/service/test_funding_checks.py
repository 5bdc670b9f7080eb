"""Double funding beyond a reused invoice, and claw-back on a revoked designation (over HTTP and events):
a project's loans plus its subsidy beyond its investment, one scene paid for through two providers, each
flagged once with both fundings named; an unpaid subsidy that needed a designation withheld when it is
revoked (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from contracts.api.catalog import Delivery
from contracts.api.journey import Stage
from contracts.events.assessment import DesignationGranted, DesignationRevoked
from contracts.events.catalog import AdoptionRecorded, SolutionListed
from finance.main import spec
from testkit.databases import MigratedDbFactory
from testkit.finance import (
    BANK,
    ENTERPRISE,
    NOW,
    USCC,
    designated,
    level_changed,
    project_at,
    registered,
    revocation,
    tell,
)
from testkit.services import RunningService, service_under_test

LOAN = {"product_id": "special-loan", "bank_id": "cqrcb", "amount_fen": 90_000_000, "term_months": 24, "purpose": "MES"}
APPROVAL = {"approved": True, "amount_fen": 90_000_000, "annual_rate": "0.036", "term_months": 24}


def subsidy_for(project_id: str, invoice: str) -> dict[str, Any]:
    return {
        "project_id": project_id,
        "investment_fen": 100_000_000,
        "invoices": [{"number": invoice, "amount_fen": 80_000_000, "issued_on": "2027-03-01"}],
    }


async def subsidy(svc: RunningService, project_id: str = "pj_1", invoice: str = "INV-1") -> str:
    answer = await svc.client.post("/v1/subsidies", json=subsidy_for(project_id, invoice), headers=ENTERPRISE)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "computed", answer.json()
    return str(answer.json()["subsidy_id"])


async def granted_loan(svc: RunningService, project_id: str = "pj_1") -> str:
    applied = await svc.client.post("/v1/loans", json={**LOAN, "project_id": project_id}, headers=ENTERPRISE)
    assert applied.status_code == 201, applied.text
    loan_id = str(applied.json()["loan_id"])
    decided = await svc.client.post(f"/v1/loans/{loan_id}/decision", json=APPROVAL, headers=BANK)
    assert decided.status_code == 200, decided.text
    return loan_id


async def flags(svc: RunningService, kind: str) -> list[dict[str, Any]]:
    return [f for f in (await svc.client.get("/v1/funding-flags")).json() if f["kind"] == kind]


async def test_a_loan_granted_beyond_what_the_subsidised_project_costs_is_flagged(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        subsidy_id = await subsidy(svc)  # 24,000,000 fen of a 100,000,000 fen investment
        assert await flags(svc, "support_over_investment") == []
        loan_id = await granted_loan(svc)  # + 90,000,000 fen: 114,000,000 > 100,000,000
        (flag,) = await flags(svc, "support_over_investment")
        assert flag["fundings"] == [subsidy_id, loan_id]
        assert "pj_1" in flag["detail"] and "1,000,000.00" in flag["detail"]
        raised = await svc.outbox("finance.funding-flag.raised")
        assert [e["kind"] for e in raised] == ["support_over_investment"]


async def test_a_subsidy_on_a_project_already_financed_by_loans_is_flagged(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), *project_at(Stage.EVALUATION, project_id="pj_2"))
        await tell(svc, level_changed(1, 2))
        loan_id = await granted_loan(svc)
        elsewhere = await granted_loan(svc, project_id="pj_2")  # another project's loan is not counted
        subsidy_id = await subsidy(svc)
        (flag,) = await flags(svc, "support_over_investment")
        assert flag["fundings"] == [subsidy_id, loan_id] and elsewhere not in flag["detail"]


async def test_within_the_investment_nothing_is_flagged(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        await subsidy(svc)
        applied = await svc.client.post("/v1/loans", json={**LOAN, "project_id": "pj_1"}, headers=ENTERPRISE)
        loan_id = applied.json()["loan_id"]
        fits = {**APPROVAL, "amount_fen": 76_000_000}  # 76,000,000 + 24,000,000 = the investment exactly
        assert (await svc.client.post(f"/v1/loans/{loan_id}/decision", json=fits, headers=BANK)).status_code == 200
        assert await flags(svc, "support_over_investment") == []


def listed(solution_id: str, provider_id: str, scenes: dict[str, int]) -> SolutionListed:
    return SolutionListed(
        solution_id=solution_id,
        provider_id=provider_id,
        revision=1,
        name=f"方案 {solution_id}",
        category="mes",
        delivery=[Delivery.SAAS],
        scenes=scenes,
        industries=[],
        lowest_price_fen=1_000_000,
        discount_pct=Decimal("10"),
        review_due=date(2027, 12, 31),
        listed_at=NOW,
    )


def adopted(adoption_id: str, solution_id: str, provider_id: str, project_id: str) -> AdoptionRecorded:
    return AdoptionRecorded(
        adoption_id=adoption_id,
        uscc=USCC,
        district_code="500103",
        solution_id=solution_id,
        provider_id=provider_id,
        project_id=project_id,
        delivery=Delivery.SAAS,
        cloud=True,
        adopted_on=date(2027, 3, 1),
        recorded_at=NOW,
    )


async def test_one_scene_paid_for_through_two_providers_is_flagged_once(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), *project_at(Stage.EVALUATION, project_id="pj_2"))
        await tell(svc, level_changed(1, 2))
        await tell(
            svc,
            listed("sol_a", "pv_a", {"production": 3}),
            listed("sol_b", "pv_b", {"production": 3, "quality": 2}),
            listed("sol_c", "pv_a", {"quality": 3}),
        )
        first, second = await subsidy(svc, "pj_1", "INV-1"), await subsidy(svc, "pj_2", "INV-2")
        await tell(svc, adopted("ad_1", "sol_a", "pv_a", "pj_1"))
        assert await flags(svc, "same_scene_two_providers") == []  # one provider so far
        second_provider = adopted("ad_2", "sol_b", "pv_b", "pj_2")
        await tell(svc, second_provider)
        (flag,) = await flags(svc, "same_scene_two_providers")
        assert flag["fundings"] == sorted([first, second])
        assert "production" in flag["detail"] and "pv_a" in flag["detail"] and "pv_b" in flag["detail"]
        await tell(svc, second_provider)  # delivered again: flagged once
        assert len(await flags(svc, "same_scene_two_providers")) == 1


async def test_an_adoption_outside_a_subsidised_project_is_not_flagged(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        await tell(
            svc,
            listed("sol_a", "pv_a", {"production": 3}),
            listed("sol_b", "pv_b", {"production": 2}),
        )
        await subsidy(svc)
        await tell(svc, adopted("ad_1", "sol_a", "pv_a", "pj_1"), adopted("ad_2", "sol_b", "pv_b", "pj_9"))
        assert await flags(svc, "same_scene_two_providers") == []


def designation(revoked: bool = False) -> DesignationGranted | DesignationRevoked:
    return revocation(designated()) if revoked else designated()


async def publish_lighthouse_condition(svc: RunningService) -> None:
    """The city publishes a transformation subsidy that needs a 小灯塔 designation."""
    body = (await svc.client.get("/v1/products/transformation-subsidy/versions/1")).json()
    definition = {k: v for k, v in body.items() if k not in ("version", "published_at", "published_by")}
    condition = {
        "id": "lighthouse",
        "fact": "lighthouse",
        "op": "is_true",
        "label_zh": "小灯塔工厂",
        "label_en": "lighthouse",
    }
    definition["conditions"] = [*definition["conditions"], condition]
    assert (await svc.client.post("/v1/products", json=definition)).json()["version"] == 2


async def test_a_revoked_designation_withholds_the_unpaid_subsidy_that_needed_it(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        await publish_lighthouse_condition(svc)
        refused = await svc.client.post("/v1/subsidies", json=subsidy_for("pj_1", "INV-0"), headers=ENTERPRISE)
        assert [r["id"] for r in refused.json()["rules"] if not r["passed"]] == ["lighthouse"]
        await tell(svc, designation())
        subsidy_id = await subsidy(svc)
        revoked = designation(revoked=True)
        await tell(svc, revoked)
        s = (await svc.client.get(f"/v1/subsidies/{subsidy_id}")).json()
        assert s["status"] == "withheld"
        assert "dg_1" in s["withheld_reason"] and "复核未通过" in s["withheld_reason"]
        assert "lighthouse" in s["withheld_reason"]
        await tell(svc, revoked)  # delivered again: nothing more
        assert [e["subsidy_id"] for e in await svc.outbox("finance.subsidy.withheld")] == [subsidy_id]


async def test_a_paid_subsidy_or_one_that_needs_no_designation_is_left_alone(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2), designation())
        unconditioned = await subsidy(svc, "pj_1", "INV-1")  # version 1: no designation condition
        await publish_lighthouse_condition(svc)
        paid = await subsidy(svc, "pj_1", "INV-2")
        await svc.client.post(f"/v1/subsidies/{paid}/approval")
        await svc.client.post(f"/v1/subsidies/{paid}/payment")
        await tell(svc, designation(revoked=True))
        assert await svc.outbox("finance.subsidy.withheld") == []
        statuses = [(await svc.client.get(f"/v1/subsidies/{sid}")).json()["status"] for sid in (unconditioned, paid)]
        assert statuses == ["computed", "paid"]
