"""Routes of the loans: applications, the bank's decision, disbursement and default."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from contracts.api.identity import Role, TokenClaims
from contracts.api.loans import DefaultNotice, Disbursement, LoanApplication, LoanDecision, LoanRead, LoanStatus
from finance.loans import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/loans", tags=["loans"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Applicants = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.BANK))]
Banks = Annotated[TokenClaims, Depends(allow(Role.BANK))]
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.ENTERPRISE, Role.BANK))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=LoanRead, responses=ERRORS)
async def apply_for_loan(body: LoanApplication, uow: Uow, actor: Applicants) -> LoanRead:
    """Apply for a loan product: the enterprise itself (naming the bank) or a bank on its behalf (under the
    enterprise's consent). The answer keeps the product version and the eligibility as they stood."""
    async with uow:
        result = await service.apply(uow, actor, body)
        await uow.commit()
    return result


@router.get("", response_model=list[LoanRead], responses=ERRORS)
async def list_loans(
    uow: Uow,
    actor: Readers,
    uscc: str | None = Query(None, min_length=18, max_length=18),
    loan_status: LoanStatus | None = Query(None, alias="status"),
    limit: int = Query(50, ge=1, le=500),
) -> list[LoanRead]:
    """Loans in the caller's scope, newest first (a bank: its own; an enterprise: its own)."""
    async with uow:
        return await service.list_loans(uow, actor, uscc.upper() if uscc else None, loan_status, limit)


@router.get("/{loan_id}", response_model=LoanRead, responses=ERRORS)
async def get_loan(loan_id: str, uow: Uow, actor: Readers) -> LoanRead:
    async with uow:
        return service.to_read(await service.loan_in_scope(uow, actor, loan_id))


@router.post("/{loan_id}/decision", response_model=LoanRead, responses=ERRORS)
async def decide_loan(loan_id: str, body: LoanDecision, uow: Uow, actor: Banks) -> LoanRead:
    """The bank approves (amount, annual rate, term) or rejects (a reason) an application of its own."""
    async with uow:
        result = await service.decide(uow, actor, loan_id, body)
        await uow.commit()
    return result


@router.post("/{loan_id}/disbursement", response_model=LoanRead, responses=ERRORS)
async def disburse_loan(loan_id: str, body: Disbursement, uow: Uow, actor: Banks) -> LoanRead:
    async with uow:
        result = await service.disburse(uow, actor, loan_id, body)
        await uow.commit()
    return result


@router.post("/{loan_id}/default", response_model=LoanRead, responses=ERRORS)
async def declare_default(loan_id: str, body: DefaultNotice, uow: Uow, actor: Banks) -> LoanRead:
    """The loan is in default from `defaulted_on`: its interest is not subsidised from that day."""
    async with uow:
        result = await service.declare_default(uow, actor, loan_id, body)
        await uow.commit()
    return result
