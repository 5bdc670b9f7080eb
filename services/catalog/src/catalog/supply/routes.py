"""The supply-demand route: aggregated demand against supply, no enterprise named."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from catalog.supply import service
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import SupplyDemandView
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses
from servicekit.sqlite import reads_on_thread

# Reads over every enterprise: on the database connection's thread, so the loop keeps serving meanwhile.
router = APIRouter(prefix="/v1", tags=["supply-demand"], dependencies=[Depends(reads_on_thread)])
ERRORS = error_responses(401, 403, 422)
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER))]


@router.get("/supply-demand", response_model=SupplyDemandView, responses=ERRORS)
async def supply_demand(
    uow: Uow,
    actor: Readers,
    industry: str = Query(min_length=3, max_length=24, description="a sub-industry (SUB-C367) or a division (C36)"),
) -> SupplyDemandView:
    """Per scene: enterprises with open demand and their budget against listed and proven solutions, the gaps,
    and the volume-procurement lots; a district authority sees its own unit's demand."""
    async with uow:
        return await service.view(uow, actor, industry.upper())
