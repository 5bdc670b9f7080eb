"""Enterprise routes (thin: authorise, validate, call the use case, commit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.exc import IntegrityError

from contracts import codes
from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import EnterpriseCreate, EnterprisePage, EnterprisePatch, EnterpriseRead, EnterpriseVersion
from registry.enterprises import service
from registry.enterprises.dependencies import Filter
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.errors import Conflict
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["enterprises"])
ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422)
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER))]
Registrars = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]
Editors = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.ENTERPRISE))]


@router.post("/enterprises", status_code=status.HTTP_201_CREATED, response_model=EnterpriseRead, responses=ERRORS)
async def register_enterprise(
    body: EnterpriseCreate, response: Response, uow: Uow, actor: Registrars
) -> EnterpriseRead:
    """Register an enterprise (USCC checked, one of the 41 units, GB/T 4754 industry, optional profile).

    City authority: any unit; district authority: its own unit only.
    """
    async with uow:
        created = await service.register_enterprise(uow, actor, body)
        try:
            await uow.commit()
        except IntegrityError as e:  # a concurrent registration of the same USCC won the race
            raise Conflict(f"enterprise {body.uscc} is already registered", field="uscc") from e
    response.headers["Location"] = f"/v1/enterprises/{created.uscc}"
    return created


@router.get("/enterprises", response_model=EnterprisePage, responses=ERRORS)
async def list_enterprises(
    f: Filter,
    uow: Uow,
    cursor: str | None = Query(None, max_length=64),
    limit: int = Query(50, ge=1, le=500),
) -> EnterprisePage:
    """Search enterprises; a district authority or expert sees its own units only. Cursor-paginated."""
    async with uow:
        return await service.search(uow, f, cursor, limit)


@router.get("/enterprises/{uscc}", response_model=EnterpriseRead, responses=ERRORS)
async def get_enterprise(uscc: str, uow: Uow, actor: Readers) -> EnterpriseRead:
    """One enterprise: city; district authority and expert in their units; the enterprise itself; the
    provider whose push registered it."""
    async with uow:
        return await service.get_enterprise(uow, actor, uscc)


@router.patch("/enterprises/{uscc}", response_model=EnterpriseRead, responses=ERRORS)
async def update_enterprise(uscc: str, body: EnterprisePatch, uow: Uow, actor: Editors) -> EnterpriseRead:
    """Change some fields (a new version); an enterprise may change its figures, contacts and platforms."""
    async with uow:
        updated = await service.update_enterprise(uow, actor, uscc, body)
        await uow.commit()
    return updated


@router.get("/enterprises/{uscc}/versions", response_model=list[EnterpriseVersion], responses=ERRORS)
async def enterprise_versions(uscc: str, uow: Uow, actor: Readers) -> list[EnterpriseVersion]:
    """Every version: who changed what, when (version 1 is the registration)."""
    async with uow:
        return await service.versions(uow, actor, uscc)


@router.get("/districts", tags=["code tables"])
async def list_districts() -> list[dict[str, str]]:
    """The 41 district units (38 GB/T 2260 divisions and 3 functional zones)."""
    return [{"code": d.code, "name": d.name, "kind": d.kind} for d in codes.districts().values()]
