"""Routes of repayments and the interest subsidy: banks report, enterprises and the city read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from contracts.api.identity import Role, TokenClaims
from contracts.api.loans import Payables, RepaymentBatch, RepaymentFileResult, RepaymentsRecorded, SubsidyStatement
from finance.config import Settings
from finance.interest import service
from finance.interest.files import read_repayment_upload
from servicekit.auth import allow
from servicekit.deps import BulkUow, Uow
from servicekit.errors import UnsupportedMediaType
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["interest subsidy"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Banks = Annotated[TokenClaims, Depends(allow(Role.BANK))]
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.ENTERPRISE))]
PayableReaders = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.BANK))]
UsccPath = Annotated[str, Path(pattern=r"^[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}$")]


@router.post("/loans/{loan_id}/repayments", response_model=RepaymentsRecorded, responses=ERRORS)
async def record_repayments(loan_id: str, body: RepaymentBatch, uow: Uow, actor: Banks) -> RepaymentsRecorded:
    """Report repayments of a loan of yours (idempotent per `bank_ref`); the interest subsidy of each new
    one is computed at once under the scheme's share and yearly cap, prorated by days, none after a default."""
    async with uow:
        result = await service.record(uow, actor, loan_id, body.repayments)
        await uow.commit()
    return result


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post(
    "/repayment-files",
    response_model=RepaymentFileResult,
    responses=error_responses(401, 403, 413, 415, 422, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def upload_repayment_file(
    request: Request, uow: BulkUow, actor: Banks, settings: Settings
) -> RepaymentFileResult:
    """Many repayments at once as CSV or XLSX (first sheet; columns loan_id, bank_ref, period_start,
    period_end, paid_on, principal_fen, interest_fen): good rows are recorded (idempotent per bank_ref), bad
    rows come back with their row number, field and reason. A workbook is read in a process of its own, under
    a memory and a time limit."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("text/csv", XLSX)):
        raise UnsupportedMediaType(f"send the repayment file as text/csv or {XLSX}")
    data = await request.body()
    parsed = await read_repayment_upload(data, memory_mb=settings.file_memory_mb, seconds=settings.file_seconds)
    async with uow:
        result = await service.record_file(uow, actor, parsed)
        await uow.commit()
    return result


@router.get("/enterprises/{uscc}/interest-subsidy", response_model=SubsidyStatement, responses=ERRORS)
async def interest_subsidy_statement(
    uscc: UsccPath, uow: Uow, actor: Readers, year: int = Query(ge=2024, le=2100)
) -> SubsidyStatement:
    """The enterprise's interest subsidy in `year`: each repayment's line, the cap and what is left."""
    async with uow:
        return await service.statement(uow, actor, uscc, year)


@router.get("/interest-subsidy/payables", response_model=Payables, responses=ERRORS)
async def interest_subsidy_payables(
    uow: Uow, actor: PayableReaders, quarter: str = Query(pattern=r"^20\d\dQ[1-4]$")
) -> Payables:
    """What is owed per bank and enterprise for repayments paid in `quarter` (e.g. 2027Q1; a bank: its own)."""
    async with uow:
        return await service.payables(uow, actor, quarter)
