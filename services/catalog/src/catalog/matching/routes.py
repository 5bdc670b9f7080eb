"""The matching route: listed solutions ranked for one enterprise, with reasons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from catalog.matching import service
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import MatchList
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["matching"])
ERRORS = error_responses(401, 403, 404, 422)
Readers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY))]


@router.get("/enterprises/{uscc}/matches", response_model=MatchList, responses=ERRORS)
async def enterprise_matches(
    uscc: Annotated[str, Path(min_length=18, max_length=18)],
    uow: Uow,
    actor: Readers,
    limit: int = Query(10, ge=1, le=50),
) -> MatchList:
    """Listed solutions ranked for the enterprise by fit, each with the reasons a district official reads."""
    async with uow:
        return await service.matches(uow, actor, uscc.upper(), limit)
