"""Programme activity routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response, status

from contracts.api.activities import ActivityCreate, ActivityKind, ActivityRead
from contracts.api.identity import Role, TokenClaims
from registry.activities import service as activities
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.http import error_responses
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1/activities", tags=["programme activities"])
ERRORS = error_responses(401, 403, 422)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ActivityRead, responses=ERRORS)
async def record_activity(
    body: ActivityCreate,
    response: Response,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT)),
) -> ActivityRead:
    """Record an enablement-centre service (家次), themed event or training (场次, 人次).
    With `external_ref`, sending the same record again is safe (200 with the stored one)."""
    async with uow:
        record, created = await activities.record_activity(uow, actor, body)
        await uow.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return record


@router.get("", response_model=list[ActivityRead], responses=ERRORS)
async def list_activities(
    year: int | None = Query(None, ge=2024, le=2100),
    kind: ActivityKind | None = None,
    limit: int = Query(200, ge=1, le=2000),
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS)),
) -> list[ActivityRead]:
    async with uow:
        return await activities.list_activities(uow, actor, year, kind, limit)
