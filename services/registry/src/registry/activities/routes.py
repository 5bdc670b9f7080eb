"""Programme activity routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from contracts.api.activities import ActivityCreate, ActivityKind, ActivityRead
from contracts.api.identity import Role, TokenClaims
from registry.activities import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/activities", tags=["programme activities"])
ERRORS = error_responses(401, 403, 422)
Recorders = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]


RESENT: dict[int | str, dict[str, Any]] = {
    200: {"model": ActivityRead, "description": "sent before with this external_ref: the record stored then"}
}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ActivityRead, responses={**RESENT, **ERRORS})
async def record_activity(body: ActivityCreate, response: Response, uow: Uow, actor: Recorders) -> ActivityRead:
    """Record an enablement-centre service (家次), themed event or training (场次, 人次).
    With `external_ref`, sending the same record again is safe (200 with the stored one)."""
    async with uow:
        record, created = await service.record_activity(uow, actor, body)
        await uow.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return record


@router.get("", response_model=list[ActivityRead], responses=ERRORS)
async def list_activities(
    uow: Uow,
    actor: Readers,
    year: int | None = Query(None, ge=2024, le=2100),
    kind: ActivityKind | None = None,
    limit: int = Query(200, ge=1, le=2000),
) -> list[ActivityRead]:
    async with uow:
        return await service.list_activities(uow, actor, year, kind, limit)
