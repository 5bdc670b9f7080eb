"""Routes of complaints about providers' work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from catalog.complaints import service
from contracts.api.adoptions import ComplaintCreate, ComplaintRead, ComplaintResolution
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/complaints", tags=["complaints"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Filers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT))]
Resolvers = Annotated[TokenClaims, Depends(allow(Role.DISTRICT, Role.CITY))]
Readers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.PROVIDER, Role.CITY))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ComplaintRead, responses=ERRORS)
async def file_complaint(body: ComplaintCreate, uow: Uow, actor: Filers) -> ComplaintRead:
    """The adopting enterprise, or its district authority, complains about the provider's work."""
    async with uow:
        result = await service.file(uow, actor, body)
        await uow.commit()
    return result


@router.get("", response_model=list[ComplaintRead], responses=ERRORS)
async def list_complaints(
    uow: Uow, actor: Readers, unresolved_only: bool = False, limit: int = Query(50, ge=1, le=500)
) -> list[ComplaintRead]:
    """Complaints in the caller's scope, newest first (a provider sees those against it)."""
    async with uow:
        return await service.list_complaints(uow, actor, unresolved_only, limit)


@router.post("/{complaint_id}/resolution", response_model=ComplaintRead, responses=ERRORS)
async def resolve_complaint(
    complaint_id: Annotated[str, Path(min_length=3, max_length=40)],
    body: ComplaintResolution,
    uow: Uow,
    actor: Resolvers,
) -> ComplaintRead:
    """The district authority (or the city) records how a complaint was resolved."""
    async with uow:
        result = await service.resolve(uow, actor, complaint_id, body)
        await uow.commit()
    return result
