"""Routes of the aggregates (counts per unit × key industry × tier × size × 规上)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.indexer import AggregatesRead
from indexer.facts import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["aggregates"])
ERRORS = error_responses(401, 403, 422)
Officials = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]


@router.get("/aggregates", response_model=AggregatesRead, responses=ERRORS)
async def aggregates(
    uow: Uow,
    actor: Officials,
    district_code: str | None = Query(None, min_length=6, max_length=8),
    cells: bool = Query(True, description="false: the totals only"),
) -> AggregatesRead:
    """Counts per unit × key industry × tier × size × 规上 (only cells with enterprises), with their totals."""
    async with uow:
        return await service.aggregates(uow, actor, district_code, cells)
