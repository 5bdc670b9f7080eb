"""Repayments as banks report them, and the interest subsidy computed from them as they arrive."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from contracts.api.identity import Role, TokenClaims
from contracts.api.loans import (
    PayableRow,
    Payables,
    RepaymentFileResult,
    RepaymentIn,
    RepaymentsRecorded,
    RowError,
    SubsidyLineRead,
    SubsidyStatement,
)
from contracts.events.finance import InterestSubsidyComputed, RepaymentRecorded
from finance.eligibility.rules import evaluate
from finance.facts import service as fact_store
from finance.interest import repository
from finance.interest.files import RepaymentFile
from finance.interest.rules import Repayment, SubsidyLine, interest_subsidy
from finance.loans.rules import refusal
from finance.loans.service import loan_in_scope
from finance.models import InterestSubsidyLine, Loan
from finance.products import service as products
from servicekit.auth import require_district
from servicekit.errors import Conflict, DomainError, Forbidden, InvalidInput
from servicekit.uow import UnitOfWork


def _line_read(row: InterestSubsidyLine | dict[str, Any]) -> SubsidyLineRead:
    values = row if isinstance(row, dict) else {f: getattr(row, f) for f in InterestSubsidyLine.model_fields}
    return SubsidyLineRead.model_validate(values)


async def _lines_for(uow: UnitOfWork, loan: Loan, new: list[RepaymentIn]) -> tuple[list[SubsidyLine], str, int]:
    """The subsidy lines of new repayments (none when no scheme subsidises this loan product)."""
    scheme = await products.interest_scheme_for(uow, loan.product_id)
    if scheme is None or loan.disbursed_on is None:
        return [], "", 0
    seen = await fact_store.snapshot(uow, loan.uscc, loan.bank_id, scheme.product_id, datetime.now(UTC).date())
    unmet = [r.id for r in evaluate(scheme, fact_store.facts_from(seen)) if not r.passed]
    repayments = [
        Repayment(r.bank_ref, r.period_start, r.period_end, r.paid_on, r.principal_fen, r.interest_fen) for r in new
    ]
    years = sorted({y for r in repayments for y in range(r.period_start.year, r.period_end.year + 1)})
    used = await repository.granted_by_year(uow.session, loan.uscc, scheme.product_id, years)
    lines = interest_subsidy(
        repayments,
        share=(scheme.terms.subsidy_share or Decimal(0)) if not unmet else Decimal(0),
        cap_fen_per_year=scheme.terms.subsidy_cap_fen or 0,
        disbursed_on=loan.disbursed_on,
        defaulted_on=loan.defaulted_on,
        used_by_year=used,
    )
    if unmet:
        note = "not eligible for the scheme: " + ", ".join(unmet)
        lines = [SubsidyLine(**{**line.__dict__, "note": note}) for line in lines]
    return lines, scheme.product_id, scheme.version


async def record(uow: UnitOfWork, actor: TokenClaims, loan_id: str, batch: list[RepaymentIn]) -> RepaymentsRecorded:
    """Store the repayments not reported before (by bank reference) and grant their interest subsidy."""
    loan = await loan_in_scope(uow, actor, loan_id)
    problem = refusal("repayments", loan.status)
    if problem:
        raise Conflict(problem)
    refs = [r.bank_ref for r in batch]
    if len(set(refs)) != len(refs):
        raise InvalidInput("a bank_ref appears twice in the batch", field="repayments")
    await repository.lock_enterprise(uow.session, loan.uscc)
    known = await repository.recorded_refs(uow.session, loan.bank_id, refs)
    new = [r for r in batch if r.bank_ref not in known]
    now = datetime.now(UTC)
    await repository.add_repayments(
        uow.session,
        [{"bank_id": loan.bank_id, "loan_id": loan_id, "recorded_at": now, **r.model_dump()} for r in new],
    )
    lines, scheme_id, scheme_version = await _lines_for(uow, loan, new)
    paid_on = {r.bank_ref: r.paid_on for r in new}
    rows = [
        {
            **line.__dict__,
            "bank_ref": line.ref,
            "bank_id": loan.bank_id,
            "loan_id": loan_id,
            "uscc": loan.uscc,
            "paid_on": paid_on[line.ref],
            "scheme_id": scheme_id,
            "scheme_version": scheme_version,
        }
        for line in lines
    ]
    for row in rows:
        row.pop("ref")
    await repository.add_lines(uow.session, rows)
    for r in new:
        uow.emit(
            RepaymentRecorded(
                loan_id=loan_id,
                uscc=loan.uscc,
                district_code=loan.district_code,
                bank_id=loan.bank_id,
                **r.model_dump(),
            )
        )
        mine = [x for x in lines if x.ref == r.bank_ref]
        if scheme_id:
            uow.emit(
                InterestSubsidyComputed(
                    loan_id=loan_id,
                    uscc=loan.uscc,
                    district_code=loan.district_code,
                    bank_id=loan.bank_id,
                    bank_ref=r.bank_ref,
                    paid_on=r.paid_on,
                    scheme_id=scheme_id,
                    scheme_version=scheme_version,
                    subsidy_fen=sum(x.subsidy_fen for x in mine),
                    capped_fen=sum(x.uncapped_fen - x.subsidy_fen for x in mine),
                )
            )
    granted = sum(line.subsidy_fen for line in lines)
    uow.audit(actor, "loan.repayments", loan_id, {"recorded": len(new), "known": len(known), "subsidy_fen": granted})
    return RepaymentsRecorded(
        recorded=len(new),
        already_recorded=sorted(known),
        subsidy_fen=granted,
        lines=[_line_read(row) for row in rows],
    )


async def statement(uow: UnitOfWork, actor: TokenClaims, uscc: str, year: int) -> SubsidyStatement:
    """An enterprise's interest subsidy in a year: every line, the cap and what is left under it."""
    if actor.role is Role.ENTERPRISE and actor.uscc != uscc:
        raise Forbidden("an enterprise sees its own statement only", field="uscc")
    if actor.role is Role.DISTRICT:
        seen = await fact_store.snapshot(uow, uscc, "", "", date(year, 1, 1))
        if seen.district_code is None:
            raise Forbidden(f"enterprise {uscc} is outside your scope", field="uscc")
        require_district(actor, seen.district_code)
    lines = await repository.lines_of(uow.session, uscc, year)
    scheme = await products.interest_scheme_for(uow, None)
    cap = scheme.terms.subsidy_cap_fen or 0 if scheme else 0
    granted = sum(line.subsidy_fen for line in lines)
    return SubsidyStatement(
        uscc=uscc,
        year=year,
        scheme_id=scheme.product_id if scheme else "",
        cap_fen=cap,
        granted_fen=granted,
        headroom_fen=max(0, cap - granted),
        lines=[_line_read(line) for line in lines],
    )


def quarter_range(quarter: str) -> tuple[date, date]:
    """'2027Q1' → (1 January, 31 March)."""
    year, q = int(quarter[:4]), int(quarter[-1])
    first = date(year, 3 * q - 2, 1)
    last = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


async def payables(uow: UnitOfWork, actor: TokenClaims, quarter: str) -> Payables:
    """What the city owes per bank and enterprise for repayments paid in the quarter (a bank: its own)."""
    first, last = quarter_range(quarter)
    bank = actor.bank_id if actor.role is Role.BANK else None
    rows = [
        PayableRow(bank_id=b, uscc=u, repayments=n, subsidy_fen=s)
        for b, u, n, s in await repository.payables(uow.session, first, last, bank)
    ]
    return Payables(quarter=quarter, total_fen=sum(r.subsidy_fen for r in rows), rows=rows)


async def record_file(uow: UnitOfWork, actor: TokenClaims, parsed: RepaymentFile) -> RepaymentFileResult:
    """A bank's repayment file, read: each loan's good rows recorded as one batch; bad rows and rows of loans
    that are not the bank's (or not disbursed) come back with their reason."""
    rejected = [RowError.model_validate(e) for e in parsed.errors]
    recorded = known = granted = 0
    for loan_id, rows in parsed.by_loan.items():
        try:
            result = await record(uow, actor, loan_id, rows)
        except DomainError as e:
            rejected.append(RowError(row=0, field="loan_id", message=f"loan {loan_id}: {e.message}"))
            continue
        recorded, known, granted = (
            recorded + result.recorded,
            known + len(result.already_recorded),
            granted + result.subsidy_fen,
        )
    return RepaymentFileResult(recorded=recorded, already_recorded=known, subsidy_fen=granted, rejected=rejected)
