"""Routes of the city-pilot rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import PilotRuleRead
from indexer.pilot import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["pilot rule"])
ERRORS = error_responses(401, 403, 422)
Officials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]


@router.get("/pilot-rule", response_model=PilotRuleRead, responses=ERRORS)
async def pilot_rule(
    uow: Uow,
    actor: Officials,
    sub_industry: str = Query(min_length=3, max_length=24, description="a declared pilot sub-industry, e.g. SUB-C367"),
    district_code: str | None = Query(None, min_length=6, max_length=8),
) -> PilotRuleRead:
    """The share of 规上 and of 专精特新 enterprises at 二级 or above (goal 90%), every 小巨人 at 二级 or above, and
    the enterprises still below (a district authority: its own unit)."""
    async with uow:
        return await service.scoped(uow, actor, sub_industry.upper(), district_code)
