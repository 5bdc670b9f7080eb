"""Routes of the transformation subsidy (奖补) and of the double-funding flags."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from contracts.api.identity import Role, TokenClaims
from contracts.api.subsidies import FlagRead, FlagResolution, SubsidyApplication, SubsidyRead, SubsidyStatus
from finance.subsidies import service
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["transformation subsidy"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Applicants = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT))]
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.ENTERPRISE))]


@router.post("/subsidies", status_code=status.HTTP_201_CREATED, response_model=SubsidyRead, responses=ERRORS)
async def apply_for_subsidy(body: SubsidyApplication, uow: Uow, actor: Applicants) -> SubsidyRead:
    """Apply for the transformation subsidy of a project: the rules checked (T1 final, 二级 or above, above
    T0), the verified investment (invoices funded before do not count and raise a flag), the amount under
    the share and the cap, every step explained in Chinese and English."""
    async with uow:
        result = await service.apply(uow, actor, body)
        await uow.commit()
    return result


@router.get("/subsidies", response_model=list[SubsidyRead], responses=ERRORS)
async def list_subsidies(
    uow: Uow,
    actor: Readers,
    uscc: str | None = Query(None, min_length=18, max_length=18),
    limit: int = Query(50, ge=1, le=500),
) -> list[SubsidyRead]:
    async with uow:
        return await service.list_subsidies(uow, actor, uscc.upper() if uscc else None, limit)


@router.get("/subsidies/{subsidy_id}", response_model=SubsidyRead, responses=ERRORS)
async def get_subsidy(subsidy_id: str, uow: Uow, actor: Readers) -> SubsidyRead:
    async with uow:
        return await service.get(uow, actor, subsidy_id)


@router.post("/subsidies/{subsidy_id}/approval", response_model=SubsidyRead, responses=ERRORS)
async def approve_subsidy(subsidy_id: str, uow: Uow, actor: CityActor) -> SubsidyRead:
    async with uow:
        result = await service.advance(uow, actor, subsidy_id, SubsidyStatus.APPROVED)
        await uow.commit()
    return result


@router.post("/subsidies/{subsidy_id}/payment", response_model=SubsidyRead, responses=ERRORS)
async def pay_subsidy(subsidy_id: str, uow: Uow, actor: CityActor) -> SubsidyRead:
    async with uow:
        result = await service.advance(uow, actor, subsidy_id, SubsidyStatus.PAID)
        await uow.commit()
    return result


@router.get("/funding-flags", response_model=list[FlagRead], responses=ERRORS)
async def list_flags(
    uow: Uow, actor: CityActor, open_only: bool = True, limit: int = Query(100, ge=1, le=1000)
) -> list[FlagRead]:
    """Possible double fundings, each naming both fundings (open ones unless `open_only=false`)."""
    async with uow:
        return await service.list_flags(uow, open_only, limit)


@router.post("/funding-flags/{flag_id}/resolution", response_model=FlagRead, responses=ERRORS)
async def resolve_flag(flag_id: str, body: FlagResolution, uow: Uow, actor: CityActor) -> FlagRead:
    async with uow:
        result = await service.resolve_flag(uow, actor, flag_id, body)
        await uow.commit()
    return result
