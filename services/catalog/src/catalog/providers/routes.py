"""Routes of provider ratings: open to every signed-in caller (they are the catalogue's public face)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from catalog.providers import service
from contracts.api.catalog import ProviderRating
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["providers"])
ERRORS = error_responses(401, 403, 404, 422)
Anyone = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER, Role.ENTERPRISE, Role.EXPERT, Role.OPS))
]


@router.get("/provider-ratings", response_model=list[ProviderRating], responses=ERRORS)
async def list_ratings(uow: Uow, actor: Anyone) -> list[ProviderRating]:
    """Every provider's rating, best first, with what it is made of."""
    async with uow:
        return await service.ratings(uow)


@router.get("/providers/{provider_id}/rating", response_model=ProviderRating, responses=ERRORS)
async def provider_rating(provider_id: str, uow: Uow, actor: Anyone) -> ProviderRating:
    """One provider's rating: verified outcomes, enterprises' stars, unresolved complaints, data quality."""
    async with uow:
        return await service.rating(uow, provider_id)
