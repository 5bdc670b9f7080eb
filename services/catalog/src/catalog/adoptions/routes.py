"""Routes of adoptions, their outcomes and the enterprises' ratings of providers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from catalog.adoptions import service
from contracts.api.adoptions import AdoptionCreate, AdoptionRead, OutcomeCreate, OutcomeRead, RatingCreate, RatingRead
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["adoptions"])
ERRORS = error_responses(401, 403, 404, 409, 422)
AdoptionId = Annotated[str, Path(min_length=3, max_length=40)]
Parties = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.PROVIDER, Role.CITY))]
Verifiers = Annotated[TokenClaims, Depends(allow(Role.DISTRICT, Role.CITY))]
Enterprise = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE))]


@router.post("/adoptions", status_code=status.HTTP_201_CREATED, response_model=AdoptionRead, responses=ERRORS)
async def record_adoption(body: AdoptionCreate, uow: Uow, actor: Parties) -> AdoptionRead:
    """An enterprise adopted a listed solution (recorded by it, its district, the city, or the solution's
    provider naming the project it runs for the enterprise)."""
    async with uow:
        result = await service.record(uow, actor, body)
        await uow.commit()
    return result


@router.get("/adoptions", response_model=list[AdoptionRead], responses=ERRORS)
async def list_adoptions(
    uow: Uow,
    actor: Parties,
    uscc: str | None = Query(None, min_length=18, max_length=18),
    solution_id: str | None = Query(None, min_length=3, max_length=40),
    limit: int = Query(50, ge=1, le=500),
) -> list[AdoptionRead]:
    """Adoptions in the caller's scope, newest first, with outcomes, rating and any notice (e.g. suspended)."""
    async with uow:
        return await service.list_adoptions(uow, actor, uscc.upper() if uscc else None, solution_id, limit)


@router.post(
    "/adoptions/{adoption_id}/outcomes",
    status_code=status.HTTP_201_CREATED,
    response_model=OutcomeRead,
    responses=ERRORS,
)
async def add_outcome(adoption_id: AdoptionId, body: OutcomeCreate, uow: Uow, actor: Parties) -> OutcomeRead:
    """A before/after figure of the adoption; it counts once the district verifies it."""
    async with uow:
        result = await service.add_outcome(uow, actor, adoption_id, body)
        await uow.commit()
    return result


@router.post("/outcomes/{outcome_id}/verification", response_model=OutcomeRead, responses=ERRORS)
async def verify_outcome(
    outcome_id: Annotated[str, Path(min_length=3, max_length=40)], uow: Uow, actor: Verifiers
) -> OutcomeRead:
    """The enterprise's district authority (or the city) verifies a figure."""
    async with uow:
        result = await service.verify_outcome(uow, actor, outcome_id)
        await uow.commit()
    return result


@router.put("/adoptions/{adoption_id}/rating", response_model=RatingRead, responses=ERRORS)
async def rate_provider(adoption_id: AdoptionId, body: RatingCreate, uow: Uow, actor: Enterprise) -> RatingRead:
    """The adopting enterprise rates the provider, 1-5 with a comment (a new rating replaces the old)."""
    async with uow:
        result = await service.rate(uow, actor, adoption_id, body)
        await uow.commit()
    return result
