"""The transformation subsidy over HTTP: computed from the level change, explained, approved and paid by
the city, withheld when a new measurement breaks it; invoices funded twice flagged (SQLite, PostgreSQL)."""

from __future__ import annotations

from typing import Any, cast

from contracts.api.journey import Stage
from finance.main import spec
from testkit.databases import MigratedDbFactory
from testkit.finance import BANK, DISTRICT, ENTERPRISE, USCC, consent, level_changed, project_at, registered, tell
from testkit.services import RunningService, service_under_test

APPLICATION = {
    "project_id": "pj_1",
    "investment_fen": 100_000_000,
    "invoices": [{"number": "INV-1", "amount_fen": 80_000_000, "issued_on": "2027-03-01"}],
}


async def apply(svc: RunningService, body: dict[str, Any] = APPLICATION, headers: dict[str, str] = ENTERPRISE):
    return await svc.client.post("/v1/subsidies", json=body, headers=headers)


async def test_computed_explained_approved_and_paid(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        answer = await apply(svc)
        assert answer.status_code == 201, answer.text
        s = answer.json()
        # 30 % of the 800,000 yuan the invoice proves (the claim of 1,000,000 is bounded by it)
        assert (s["status"], s["verified_fen"], s["amount_fen"]) == ("computed", 80_000_000, 24_000_000)
        assert [line["step"] for line in s["explanation"]] == ["invoices", "verified", "share", "cap", "granted"]
        assert all(r["passed"] for r in s["rules"])
        sid = s["subsidy_id"]
        assert (await svc.client.post(f"/v1/subsidies/{sid}/payment")).status_code == 409  # not approved yet
        assert (await svc.client.post(f"/v1/subsidies/{sid}/approval")).json()["status"] == "approved"
        assert (await svc.client.post(f"/v1/subsidies/{sid}/payment")).json()["status"] == "paid"
        statuses = [e["status"] for e in await svc.outbox("finance.subsidy.decided")]
        assert statuses == ["computed", "approved", "paid"]


async def test_not_eligible_names_the_condition_and_grants_nothing(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(2, 2))
        s = (await apply(svc)).json()
        assert (s["status"], s["amount_fen"]) == ("not_eligible", 0)
        assert [r["id"] for r in s["rules"] if not r["passed"]] == ["level-rose"]


async def test_an_invoice_funded_twice_is_flagged_with_both_fundings(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        first = (await apply(svc)).json()
        again = {
            **APPLICATION,
            "invoices": [
                *cast(list[dict[str, object]], APPLICATION["invoices"]),
                {"number": "INV-2", "amount_fen": 10_000_000, "issued_on": "2027-04-01"},
            ],
        }
        second = (await apply(svc, again)).json()
        assert second["verified_fen"] == 10_000_000  # INV-1 funded the first subsidy: not counted again
        (flag,) = (await svc.client.get("/v1/funding-flags")).json()
        assert flag["fundings"] == [second["subsidy_id"], first["subsidy_id"]]
        resolved = await svc.client.post(f"/v1/funding-flags/{flag['flag_id']}/resolution", json={"reason": "已核实"})
        assert resolved.json()["resolution"] == "已核实"
        assert (await svc.client.get("/v1/funding-flags")).json() == []
        assert len(await svc.outbox("finance.funding-flag.raised")) == 1


async def test_a_reversed_level_change_withholds_what_is_unpaid(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        sid = (await apply(svc)).json()["subsidy_id"]
        first = level_changed(1, 2)
        later = first.model_copy(
            update={
                "t1_level": 1,
                "level_delta": 0,
                "reached_level_2": False,
                "measured_at": first.measured_at.replace(month=6),
            }
        )
        await tell(svc, later)
        s = (await svc.client.get(f"/v1/subsidies/{sid}")).json()
        assert s["status"] == "withheld"
        assert "t1-level-2" in s["withheld_reason"] and "level-rose" in s["withheld_reason"]
        assert [e["subsidy_id"] for e in await svc.outbox("finance.subsidy.withheld")] == [sid]
        await tell(svc, later)  # delivered again: nothing more happens
        assert len(await svc.outbox("finance.subsidy.withheld")) == 1


async def test_who_may_apply_and_see(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        on_behalf = await apply(svc, {**APPLICATION, "uscc": USCC}, headers=DISTRICT)
        assert on_behalf.status_code == 201
        other_project = await apply(svc, {**APPLICATION, "project_id": "pj_9"})
        assert other_project.status_code == 422 and other_project.json()["errors"][0]["field"] == "project_id"
        assert (
            await svc.client.post(f"/v1/subsidies/{on_behalf.json()['subsidy_id']}/approval", headers=DISTRICT)
        ).status_code == 403


async def test_the_eligibility_headroom_is_the_cap_less_what_was_granted(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        await apply(svc)  # 24,000,000 fen computed
        await consent(svc, product="transformation-subsidy")
        answer = (await svc.client.get(f"/v1/eligibility/{USCC}?product=transformation-subsidy", headers=BANK)).json()
        assert (answer["subsidy_cap_fen"], answer["subsidy_headroom_fen"]) == (50_000_000, 26_000_000)
