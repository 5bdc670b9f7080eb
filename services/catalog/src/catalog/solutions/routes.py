"""Routes of the listing workflow: providers submit and edit their solutions, the city reviews them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from catalog.solutions import service
from contracts.api.catalog import (
    AppealCreate,
    AppealDecision,
    ReviewQueueEntry,
    SolutionContent,
    SolutionRead,
    SolutionReview,
    StatusReason,
)
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["solutions"])
ERRORS = error_responses(401, 403, 404, 409, 422)
SolutionId = Annotated[str, Path(min_length=3, max_length=40)]
Provider = Annotated[TokenClaims, Depends(allow(Role.PROVIDER))]
City = Annotated[TokenClaims, Depends(allow(Role.CITY))]
Owners = Annotated[TokenClaims, Depends(allow(Role.PROVIDER, Role.CITY))]
Anyone = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER, Role.ENTERPRISE, Role.EXPERT, Role.OPS))
]


@router.post("/solutions", status_code=status.HTTP_201_CREATED, response_model=SolutionRead, responses=ERRORS)
async def submit_solution(body: SolutionContent, uow: Uow, actor: Provider) -> SolutionRead:
    """An approved provider submits a solution; it is listed once the city approves it."""
    async with uow:
        result = await service.submit(uow, actor, body)
        await uow.commit()
    return result


@router.put("/solutions/{solution_id}", response_model=SolutionRead, responses=ERRORS)
async def edit_solution(solution_id: SolutionId, body: SolutionContent, uow: Uow, actor: Provider) -> SolutionRead:
    """The owner submits a new revision; a listed solution stays listed as it was until the city approves it."""
    async with uow:
        result = await service.edit(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.get("/solutions/{solution_id}", response_model=SolutionRead, responses=ERRORS)
async def get_solution(solution_id: SolutionId, uow: Uow, actor: Anyone) -> SolutionRead:
    """A solution's listed version; its owner and the city also see the revision in review."""
    async with uow:
        return await service.get(uow, actor, solution_id)


@router.post("/solutions/{solution_id}/review", response_model=SolutionRead, responses=ERRORS)
async def review_solution(solution_id: SolutionId, body: SolutionReview, uow: Uow, actor: City) -> SolutionRead:
    """The city approves (lists) or rejects, with reasons, the revision in review."""
    async with uow:
        result = await service.review(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.post("/solutions/{solution_id}/suspension", response_model=SolutionRead, responses=ERRORS)
async def suspend_solution(solution_id: SolutionId, body: StatusReason, uow: Uow, actor: City) -> SolutionRead:
    """The city suspends a listed solution with a reason; its adopters are told."""
    async with uow:
        result = await service.suspend(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.post("/solutions/{solution_id}/appeal", response_model=SolutionRead, responses=ERRORS)
async def appeal_suspension(solution_id: SolutionId, body: AppealCreate, uow: Uow, actor: Provider) -> SolutionRead:
    """The owner appeals a suspension (once per suspension)."""
    async with uow:
        result = await service.appeal(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.post("/solutions/{solution_id}/appeal-decision", response_model=SolutionRead, responses=ERRORS)
async def decide_appeal(solution_id: SolutionId, body: AppealDecision, uow: Uow, actor: City) -> SolutionRead:
    """The city reinstates the solution or upholds its suspension."""
    async with uow:
        result = await service.decide_appeal(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.post("/solutions/{solution_id}/delisting", response_model=SolutionRead, responses=ERRORS)
async def delist_solution(solution_id: SolutionId, body: StatusReason, uow: Uow, actor: Owners) -> SolutionRead:
    """The city delists a solution, or its provider withdraws it, for good."""
    async with uow:
        result = await service.delist(uow, actor, solution_id, body)
        await uow.commit()
    return result


@router.get("/providers/{provider_id}/solutions", response_model=list[SolutionRead], responses=ERRORS)
async def provider_solutions(
    provider_id: Annotated[str, Path(min_length=1, max_length=40)], uow: Uow, actor: Owners
) -> list[SolutionRead]:
    """Every solution of a provider, drafts included: the provider itself and the city."""
    async with uow:
        return await service.of_provider(uow, actor, provider_id)


@router.get("/solution-reviews", response_model=list[ReviewQueueEntry], responses=ERRORS)
async def review_queue(
    uow: Uow, actor: City, due_within_days: int = Query(30, ge=0, le=366), limit: int = Query(100, ge=1, le=500)
) -> list[ReviewQueueEntry]:
    """The city's review work: revisions waiting, and listings whose annual review is due within the days given."""
    async with uow:
        return await service.review_queue(uow, due_within_days, limit)
