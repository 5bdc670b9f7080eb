"""The catalogue's search route: listed solutions by keyword and filters, open to every signed-in caller."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from catalog.search import service
from contracts.api.catalog import CategoryId, Delivery, IndustryRef, SceneId, SolutionPage
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["search"])
ERRORS = error_responses(401, 403, 422)
Anyone = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER, Role.ENTERPRISE, Role.EXPERT, Role.OPS))
]


@router.get("/solutions", response_model=SolutionPage, responses=ERRORS)
async def search_solutions(
    uow: Uow,
    actor: Anyone,
    q: str | None = Query(
        None, min_length=1, max_length=100, description="keywords; Chinese of two characters or more"
    ),
    scene: Annotated[SceneId | None, Query()] = None,
    category: Annotated[CategoryId | None, Query()] = None,
    industry: Annotated[IndustryRef | None, Query(max_length=24)] = None,
    delivery: Delivery | None = None,
    max_price_fen: int | None = Query(None, ge=0, le=10**14, description="price after the discount, at most"),
    min_discount_pct: Decimal | None = Query(None, ge=0, le=90),
    cursor: str | None = Query(None, pattern=r"^so_[0-9a-f]{16}$"),
    limit: int = Query(20, ge=1, le=100),
) -> SolutionPage:
    """Listed solutions of approved providers matching every keyword and filter, by id; pass `next_cursor` on."""
    async with uow:
        return await service.search(
            uow,
            q=q,
            scene=scene,
            category=category,
            industry=industry,
            delivery=delivery,
            max_price_fen=max_price_fen,
            min_discount_pct=min_discount_pct,
            cursor=cursor,
            limit=limit,
        )
