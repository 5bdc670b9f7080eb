"""Loans: applied for by the enterprise or through its bank, decided, disbursed, declared in default."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from contracts.api.finance import ProductKind
from contracts.api.identity import Role, TokenClaims
from contracts.api.loans import DefaultNotice, Disbursement, LoanApplication, LoanDecision, LoanRead, LoanStatus
from contracts.events.finance import LoanApplied, LoanDecided, LoanDefaulted, LoanDisbursed
from finance.eligibility.rules import evaluate
from finance.facts import service as fact_store
from finance.funding import service as funding
from finance.loans import repository
from finance.loans.rules import refusal
from finance.models import Loan
from finance.products import service as products
from servicekit.auth import own_uscc, require_district, unit_scope
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork


def to_read(row: Loan) -> LoanRead:
    return LoanRead.model_validate({f: getattr(row, f) for f in Loan.model_fields})


def _applicant(actor: TokenClaims, cmd: LoanApplication) -> tuple[str, str]:
    """(uscc, bank_id) of an application, or a field error."""
    if actor.role is Role.ENTERPRISE:
        if cmd.uscc is not None and cmd.uscc != actor.uscc:
            raise Forbidden("an enterprise applies for itself only", field="uscc")
        if cmd.bank_id is None:
            raise InvalidInput("name the bank you apply to", field="bank_id")
        return str(actor.uscc), cmd.bank_id
    if cmd.uscc is None:
        raise InvalidInput("name the enterprise you apply for", field="uscc")
    if cmd.bank_id is not None and cmd.bank_id != actor.bank_id:
        raise Forbidden("a bank applies to itself only", field="bank_id")
    return cmd.uscc, str(actor.bank_id)


async def apply(uow: UnitOfWork, actor: TokenClaims, cmd: LoanApplication) -> LoanRead:
    """Record an application with the eligibility as it stands now (the product version kept with it)."""
    uscc, bank_id = _applicant(actor, cmd)
    now = datetime.now(UTC)
    seen = await fact_store.snapshot(uow, uscc, bank_id, cmd.product_id, now.date())
    product = await products.definition(uow, cmd.product_id, seen.product_version, field="product_id")
    if product.kind is not ProductKind.LOAN:
        raise InvalidInput(f"{cmd.product_id} is not a loan", field="product_id")
    if actor.role is Role.BANK and not seen.consented:
        raise Forbidden(f"no active consent for bank {bank_id} and product {cmd.product_id}")
    if not seen.registered or seen.district_code is None:
        raise InvalidInput(f"enterprise {uscc} is not known to finance (yet)", field="uscc")
    if cmd.project_id is not None and await repository.project_owner(uow.session, cmd.project_id) != uscc:
        raise InvalidInput(f"no project {cmd.project_id} of enterprise {uscc}", field="project_id")
    rules = evaluate(product, fact_store.facts_from(seen))
    row = Loan(
        loan_id=f"ln_{secrets.token_hex(8)}",
        uscc=uscc,
        district_code=seen.district_code,
        bank_id=bank_id,
        product_id=cmd.product_id,
        product_version=int(seen.product_version or 0),
        eligible_when_applied=all(r.passed for r in rules),
        unmet_when_applied=[r.id for r in rules if not r.passed],
        status=LoanStatus.APPLIED.value,
        amount_requested_fen=cmd.amount_fen,
        term_months=cmd.term_months,
        project_id=cmd.project_id,
        purpose=cmd.purpose,
        applied_at=now,
        applied_by_role=actor.role.value,
    )
    await repository.add(uow.session, row)
    uow.audit(actor, "loan.apply", row.loan_id, {"uscc": uscc, "bank": bank_id, "eligible": row.eligible_when_applied})
    uow.emit(
        LoanApplied(
            loan_id=row.loan_id,
            uscc=uscc,
            district_code=row.district_code,
            bank_id=bank_id,
            product_id=row.product_id,
            product_version=row.product_version,
            amount_requested_fen=cmd.amount_fen,
            eligible=row.eligible_when_applied,
            applied_at=now,
        )
    )
    return to_read(row)


async def loan_in_scope(uow: UnitOfWork, actor: TokenClaims, loan_id: str) -> Loan:
    """The loan if the caller may see it (a bank its own, an enterprise its own, a district its unit's)."""
    row = await repository.get(uow.session, loan_id)
    hidden = row is None or (
        (actor.role is Role.BANK and row.bank_id != actor.bank_id)
        or (actor.role is Role.ENTERPRISE and row.uscc != actor.uscc)
    )
    if row is None or hidden:
        raise NotFound(f"loan {loan_id} not found")
    if actor.role is Role.DISTRICT:
        require_district(actor, row.district_code)
    return row


async def _step(uow: UnitOfWork, actor: TokenClaims, loan_id: str, step: str) -> Loan:
    row = await loan_in_scope(uow, actor, loan_id)
    problem = refusal(step, row.status)
    if problem:
        raise Conflict(problem)
    return row


async def decide(uow: UnitOfWork, actor: TokenClaims, loan_id: str, cmd: LoanDecision) -> LoanRead:
    row = await _step(uow, actor, loan_id, "decision")
    now = datetime.now(UTC)
    status = LoanStatus.APPROVED if cmd.approved else LoanStatus.REJECTED
    await repository.decide(
        uow.session,
        loan_id,
        status=status.value,
        at=now,
        amount_fen=cmd.amount_fen,
        annual_rate=cmd.annual_rate,
        term_months=cmd.term_months,
        reason=cmd.reason,
    )
    row.status, row.decided_at, row.amount_fen = status.value, now, cmd.amount_fen
    row.annual_rate, row.approved_term_months, row.rejection_reason = cmd.annual_rate, cmd.term_months, cmd.reason
    uow.audit(actor, f"loan.{status.value}", loan_id, {"amount_fen": cmd.amount_fen, "reason": cmd.reason})
    if cmd.approved and row.project_id is not None:  # with the project's subsidy, more than it costs?
        await funding.check(uow, project_ids=[row.project_id])
    uow.emit(
        LoanDecided(
            loan_id=loan_id,
            uscc=row.uscc,
            district_code=row.district_code,
            bank_id=row.bank_id,
            product_id=row.product_id,
            approved=cmd.approved,
            amount_fen=cmd.amount_fen,
            annual_rate=cmd.annual_rate,
            term_months=cmd.term_months,
            reason=cmd.reason,
            decided_at=now,
        )
    )
    return to_read(row)


async def disburse(uow: UnitOfWork, actor: TokenClaims, loan_id: str, cmd: Disbursement) -> LoanRead:
    row = await _step(uow, actor, loan_id, "disbursement")
    if row.decided_at is not None and cmd.disbursed_on < row.decided_at.date():
        raise InvalidInput("a loan is disbursed on or after its approval", field="disbursed_on")
    await repository.set_status(uow.session, loan_id, LoanStatus.DISBURSED.value, disbursed_on=cmd.disbursed_on)
    row.status, row.disbursed_on = LoanStatus.DISBURSED.value, cmd.disbursed_on
    uow.audit(actor, "loan.disburse", loan_id, {"on": cmd.disbursed_on.isoformat()})
    uow.emit(
        LoanDisbursed(
            loan_id=loan_id,
            uscc=row.uscc,
            district_code=row.district_code,
            bank_id=row.bank_id,
            product_id=row.product_id,
            amount_fen=row.amount_fen or 0,
            disbursed_on=cmd.disbursed_on,
        )
    )
    return to_read(row)


async def declare_default(uow: UnitOfWork, actor: TokenClaims, loan_id: str, cmd: DefaultNotice) -> LoanRead:
    row = await _step(uow, actor, loan_id, "default")
    if row.disbursed_on is not None and cmd.defaulted_on < row.disbursed_on:
        raise InvalidInput("a loan defaults on or after its disbursement", field="defaulted_on")
    await repository.set_status(uow.session, loan_id, LoanStatus.DEFAULTED.value, defaulted_on=cmd.defaulted_on)
    row.status, row.defaulted_on = LoanStatus.DEFAULTED.value, cmd.defaulted_on
    uow.audit(actor, "loan.default", loan_id, {"on": cmd.defaulted_on.isoformat(), "reason": cmd.reason})
    uow.emit(
        LoanDefaulted(
            loan_id=loan_id,
            uscc=row.uscc,
            district_code=row.district_code,
            bank_id=row.bank_id,
            defaulted_on=cmd.defaulted_on,
            reason=cmd.reason,
        )
    )
    return to_read(row)


async def list_loans(
    uow: UnitOfWork, actor: TokenClaims, uscc: str | None, status: LoanStatus | None, limit: int
) -> list[LoanRead]:
    uscc = own_uscc(actor, uscc, "loans")
    rows = await repository.find(
        uow.session,
        districts=unit_scope(actor),
        uscc=uscc,
        bank_id=actor.bank_id if actor.role is Role.BANK else None,
        status=status.value if status else None,
        limit=limit,
    )
    return [to_read(r) for r in rows]
