"""Loans over HTTP: applied for, decided, disbursed, repaid and defaulted, with the interest subsidy
computed from the repayments as banks report them (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import openpyxl

from contracts.api.journey import Stage
from finance.main import spec
from finance.models import InterestSubsidyLine, LoanRepayment
from testkit.databases import MigratedDbFactory
from testkit.finance import BANK, ENTERPRISE, OTHER_BANK, USCC, consent, finalised, project_at, registered, tell
from testkit.services import RunningService, service_under_test

APPLICATION = {
    "product_id": "special-loan",
    "bank_id": "cqrcb",
    "amount_fen": 100_000_000,
    "term_months": 24,
    "purpose": "MES 与设备联网改造",
}
APPROVAL = {"approved": True, "amount_fen": 100_000_000, "annual_rate": "0.036", "term_months": 24}
JANUARY = {
    "bank_ref": "R-2027-01",
    "period_start": "2027-01-01",
    "period_end": "2027-01-31",
    "paid_on": "2027-02-01",
    "principal_fen": 0,
    "interest_fen": 310_001,
}
FEBRUARY = {
    "bank_ref": "R-2027-02",
    "period_start": "2027-02-01",
    "period_end": "2027-02-28",
    "paid_on": "2027-03-01",
    "principal_fen": 4_000_000,
    "interest_fen": 280_000,
}


async def disbursed_loan(svc: RunningService, on: str = "2027-01-16") -> str:
    """An eligible enterprise's special loan, approved and disbursed by its bank."""
    await tell(svc, registered(), *project_at(Stage.IMPLEMENTATION), finalised(1))
    applied = await svc.client.post("/v1/loans", json=APPLICATION, headers=ENTERPRISE)
    assert applied.status_code == 201, applied.text
    loan = applied.json()
    assert (loan["status"], loan["eligible_when_applied"], loan["product_version"]) == ("applied", True, 1)
    c, lid = svc.client, loan["loan_id"]
    assert (await c.post(f"/v1/loans/{lid}/decision", json=APPROVAL, headers=BANK)).status_code == 200
    paid_out = await c.post(f"/v1/loans/{lid}/disbursement", json={"disbursed_on": on}, headers=BANK)
    assert paid_out.json()["status"] == "disbursed"
    return str(lid)


async def repay(svc: RunningService, loan_id: str, *rows: dict[str, Any]) -> dict[str, Any]:
    answer = await svc.client.post(f"/v1/loans/{loan_id}/repayments", json={"repayments": list(rows)}, headers=BANK)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_a_loan_from_application_to_subsidised_repayments(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        loan_id = await disbursed_loan(svc)
        result = await repay(svc, loan_id, JANUARY, FEBRUARY)
        # January: 16 of 31 days after the disbursement, 0.5 × 310,001 × 16/31 → 80,000; February 140,000
        assert [(x["bank_ref"], x["subsidised_days"], x["subsidy_fen"]) for x in result["lines"]] == [
            ("R-2027-01", 16, 80_000),
            ("R-2027-02", 28, 140_000),
        ]
        assert (result["recorded"], result["subsidy_fen"]) == (2, 220_000)
        types = [e["loan_id"] for e in await svc.outbox("finance.repayment.recorded")]
        assert types == [loan_id, loan_id]
        computed = await svc.outbox("finance.interest-subsidy.computed")
        assert [(e["bank_ref"], e["subsidy_fen"]) for e in computed] == [("R-2027-01", 80_000), ("R-2027-02", 140_000)]
        for kind in ("applied", "decided", "disbursed"):
            assert len(await svc.outbox(f"finance.loan.{kind}")) == 1


async def test_a_repayment_reported_twice_is_stored_once(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        loan_id = await disbursed_loan(svc)
        await repay(svc, loan_id, JANUARY)
        again = await repay(svc, loan_id, JANUARY, FEBRUARY)
        assert (again["recorded"], again["already_recorded"], again["subsidy_fen"]) == (1, ["R-2027-01"], 140_000)
        assert await svc.count(LoanRepayment) == 2
        assert await svc.count(InterestSubsidyLine) == 2


async def test_a_default_stops_the_subsidy(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        loan_id = await disbursed_loan(svc, on="2027-01-01")
        notice = {"defaulted_on": "2027-02-15", "reason": "连续两期逾期"}
        assert (await svc.client.post(f"/v1/loans/{loan_id}/default", json=notice, headers=BANK)).status_code == 200
        result = await repay(svc, loan_id, FEBRUARY)
        (line,) = result["lines"]
        assert (line["subsidised_days"], line["subsidy_fen"]) == (14, 70_000)  # 1–14 February of 28 days
        assert line["note"] == "from 2027-02-15 in default: not subsidised"


async def test_the_statement_and_the_payables(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        loan_id = await disbursed_loan(svc)
        await repay(svc, loan_id, JANUARY, FEBRUARY)
        statement = await svc.client.get(f"/v1/enterprises/{USCC}/interest-subsidy?year=2027", headers=ENTERPRISE)
        s = statement.json()
        assert (s["granted_fen"], s["cap_fen"], s["headroom_fen"]) == (220_000, 20_000_000, 19_780_000)
        q1 = (await svc.client.get("/v1/interest-subsidy/payables?quarter=2027Q1")).json()
        assert (q1["total_fen"], [(r["bank_id"], r["repayments"]) for r in q1["rows"]]) == (220_000, [("cqrcb", 2)])
        theirs = (await svc.client.get("/v1/interest-subsidy/payables?quarter=2027Q1", headers=OTHER_BANK)).json()
        assert theirs["rows"] == []
        bad = await svc.client.get("/v1/interest-subsidy/payables?quarter=2027Q5")
        assert bad.status_code == 422


async def test_only_the_loans_bank_moves_it_and_in_order(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.IMPLEMENTATION), finalised(1))
        lid = (await svc.client.post("/v1/loans", json=APPLICATION, headers=ENTERPRISE)).json()["loan_id"]
        c = svc.client
        assert (await c.post(f"/v1/loans/{lid}/decision", json=APPROVAL, headers=OTHER_BANK)).status_code == 404
        early = await c.post(f"/v1/loans/{lid}/disbursement", json={"disbursed_on": "2027-01-01"}, headers=BANK)
        assert early.status_code == 409 and "must be approved" in early.json()["message"]
        no_reason = await c.post(f"/v1/loans/{lid}/decision", json={"approved": False}, headers=BANK)
        assert no_reason.status_code == 422
        assert (
            await c.post(f"/v1/loans/{lid}/repayments", json={"repayments": [JANUARY]}, headers=BANK)
        ).status_code == 409


async def test_a_bank_applies_only_under_consent(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.DESIGN), finalised(1))
        body = {**APPLICATION, "uscc": USCC, "bank_id": None}
        assert (await svc.client.post("/v1/loans", json=body, headers=BANK)).status_code == 403
        await consent(svc)
        applied = await svc.client.post("/v1/loans", json=body, headers=BANK)
        assert applied.status_code == 201
        loan = applied.json()
        assert (loan["eligible_when_applied"], loan["unmet_when_applied"], loan["applied_by_role"]) == (
            False,
            ["past-design"],
            "bank",
        )


async def test_a_repayment_file_records_good_rows_and_names_bad_ones(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        loan_id = await disbursed_loan(svc)
        csv = (
            "loan_id,bank_ref,period_start,period_end,paid_on,principal_fen,interest_fen\n"
            f"{loan_id},R-2027-01,2027-01-01,2027-01-31,2027-02-01,0,310001\n"
            f"{loan_id},R-2027-02,2027-02-01,2027-02-28,2027-03-01,4000000,-5\n"
            "ln_nobody,R-X,2027-01-01,2027-01-31,2027-02-01,0,100\n"
        )
        headers = {**BANK, "Content-Type": "text/csv"}
        answer = await svc.client.post("/v1/repayment-files", content=csv.encode(), headers=headers)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert (result["recorded"], result["subsidy_fen"]) == (1, 80_000)
        assert [(r["row"], r["field"]) for r in result["rejected"]] == [(3, "interest_fen"), (0, "loan_id")]
        assert "ln_nobody" in result["rejected"][1]["message"]
        wrong_type = await svc.client.post("/v1/repayment-files", content=b"{}", headers=BANK)
        assert wrong_type.status_code == 415


XLSX = {**BANK, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def workbook(*rows: list[Any]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_repayment_workbook_is_read_like_the_csv(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        loan_id = await disbursed_loan(svc)
        data = workbook(
            # columns in another order, dates as Excel dates, amounts as numbers: as a bank's export has them
            ["bank_ref", "loan_id", "period_start", "period_end", "paid_on", "interest_fen", "principal_fen"],
            ["R-2027-01", loan_id, date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 1), 310001, 0],
            [],  # a blank row keeps the numbering of the rows below
            ["R-2027-02", loan_id, date(2027, 2, 1), date(2027, 2, 28), date(2027, 3, 1), "三十", 4000000],
        )
        answer = await svc.client.post("/v1/repayment-files", content=data, headers=XLSX)
        assert answer.status_code == 200, answer.text
        result = answer.json()
        assert (result["recorded"], result["subsidy_fen"]) == (1, 80_000)
        assert [(r["row"], r["field"]) for r in result["rejected"]] == [(4, "interest_fen")]
        again = (await svc.client.post("/v1/repayment-files", content=data, headers=XLSX)).json()
        assert (again["recorded"], again["already_recorded"]) == (0, 1)


async def test_a_damaged_workbook_is_refused_as_a_whole(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        damaged = workbook(["loan_id"])[:200]  # a ZIP cut short
        answer = await svc.client.post("/v1/repayment-files", content=damaged, headers=XLSX)
        assert answer.status_code == 422, answer.text
        (error,) = answer.json()["errors"]
        assert error["field"] == "file" and "XLSX" in error["message"]
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 2_000_000)  # 8 MB packed into a few KB
        refused = await svc.client.post("/v1/repayment-files", content=bomb.getvalue(), headers=XLSX)
        assert refused.status_code == 413 and "bomb" in refused.json()["message"]


async def test_the_eligibility_headroom_is_the_cap_less_this_years_subsidy(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        today = date.today().isoformat()
        loan_id = await disbursed_loan(svc, on=today)
        one_day = {
            "bank_ref": "D1",
            "period_start": today,
            "period_end": today,
            "paid_on": today,
            "principal_fen": 0,
            "interest_fen": 1_001,
        }
        assert (await repay(svc, loan_id, one_day))["subsidy_fen"] == 500  # 500.5 rounded down
        await consent(svc, product="interest-subsidy")
        answer = (await svc.client.get(f"/v1/eligibility/{USCC}?product=interest-subsidy", headers=BANK)).json()
        assert (answer["subsidy_cap_fen"], answer["subsidy_headroom_fen"]) == (20_000_000, 20_000_000 - 500)
