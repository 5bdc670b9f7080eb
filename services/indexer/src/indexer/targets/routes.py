"""Routes of the work plan's targets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import TargetsRead
from indexer.targets import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["targets"])
ERRORS = error_responses(401, 403, 422)
Officials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]


@router.get("/targets", response_model=TargetsRead, responses=ERRORS)
async def targets(uow: Uow, actor: Officials, year: int = Query(2027, ge=2024, le=2030)) -> TargetsRead:
    """All 13 targets of the work plan for the year, city-wide: the value, the target, reached or not, and what
    counts toward each (per-year targets count that year; the talent target sums 2024 to the year)."""
    async with uow:
        return await service.for_year(uow, year)
