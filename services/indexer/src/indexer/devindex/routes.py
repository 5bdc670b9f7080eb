"""Routes of the development index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import IndexRead, IndicatorMembers, SensitivityRead
from indexer.devindex import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/index", tags=["development index"])
ERRORS = error_responses(401, 403, 409, 422)
Officials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]
City = Annotated[TokenClaims, Depends(allow(Role.CITY))]
UnitOfficials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]
PERIOD = r"^\d{4}(-Q[1-4])?$"


@router.get("", response_model=IndexRead, responses=ERRORS)
async def development_index(
    uow: Uow, actor: Officials, period: str | None = Query(None, pattern=PERIOD, description="2026 or 2026-Q3")
) -> IndexRead:
    """Every unit's index value, rank and indicators: a published period as frozen, the current one live."""
    async with uow:
        return await service.index(uow, period)


@router.get("/sensitivity", response_model=SensitivityRead, responses=ERRORS)
async def weight_sensitivity(uow: Uow, actor: Officials) -> SensitivityRead:
    """How each unit's current rank moves when any one weight moves by ±20%."""
    async with uow:
        return await service.weight_sensitivity(uow)


@router.get(
    "/units/{district_code}/indicators/{indicator}/enterprises", response_model=IndicatorMembers, responses=ERRORS
)
async def indicator_enterprises(
    uow: Uow,
    actor: UnitOfficials,
    district_code: Annotated[str, Path(min_length=6, max_length=8)],
    indicator: Annotated[str, Path(min_length=2, max_length=40)],
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**7),
) -> IndicatorMembers:
    """The enterprises behind one indicator of a unit: its base (e.g. the assessed), those in the numerator
    (e.g. at 二级 or above) first. The city, or the unit's own authority."""
    async with uow:
        return await service.indicator_members(uow, actor, district_code, indicator, limit, offset)


@router.post("/{period}/publication", response_model=IndexRead, responses=ERRORS)
async def publish_index(uow: Uow, actor: City, period: Annotated[str, Path(pattern=PERIOD)]) -> IndexRead:
    """The city publishes the current year's or quarter's index: frozen from now on, and sent on the city feed."""
    async with uow:
        result = await service.publish(uow, actor, period)
        await uow.commit()
    return result
