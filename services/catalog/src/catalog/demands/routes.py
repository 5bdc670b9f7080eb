"""Routes of demands: posted by enterprises or their district authority, listed in scope, closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from catalog.demands import service
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import DemandClosure, DemandCreate, DemandRead, DemandStatus
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/demands", tags=["demands"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Posters = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT))]
Readers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=DemandRead, responses=ERRORS)
async def post_demand(body: DemandCreate, uow: Uow, actor: Posters) -> DemandRead:
    """An enterprise posts what it needs; its district authority may post for it (`uscc` required)."""
    async with uow:
        result = await service.post(uow, actor, body)
        await uow.commit()
    return result


@router.get("", response_model=list[DemandRead], responses=ERRORS)
async def list_demands(
    uow: Uow,
    actor: Readers,
    uscc: str | None = Query(None, min_length=18, max_length=18),
    status: DemandStatus | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[DemandRead]:
    """Demands in the caller's scope (posted and derived), latest first."""
    async with uow:
        return await service.list_demands(uow, actor, uscc.upper() if uscc else None, status, limit)


@router.post("/{demand_id}/closure", response_model=DemandRead, responses=ERRORS)
async def close_demand(
    demand_id: Annotated[str, Path(min_length=3, max_length=40)], body: DemandClosure, uow: Uow, actor: Readers
) -> DemandRead:
    """Close a demand (met, or no longer wanted): it leaves the supply-demand view."""
    async with uow:
        result = await service.close(uow, actor, demand_id, body)
        await uow.commit()
    return result
