"""Registry HTTP routes (thin: validate, call the use case, commit)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response, status
from sqlalchemy.exc import IntegrityError

from contracts import codes
from contracts.api.errors import ErrorBody
from contracts.api.identity import Role, TokenClaims
from contracts.api.registry import EnterpriseCreate, EnterpriseRead
from registry import service
from servicekit.app import get_uow
from servicekit.auth import allow, require_district
from servicekit.errors import Conflict, Forbidden
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["enterprises"])
ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
    413: {"model": ErrorBody},
    422: {"model": ErrorBody},
}


@router.post("/enterprises", status_code=status.HTTP_201_CREATED, response_model=EnterpriseRead, responses=ERRORS)
async def register_enterprise(
    body: EnterpriseCreate,
    response: Response,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT)),
) -> EnterpriseRead:
    """Register an enterprise (USCC checked, district one of the 41 units, GB/T 4754 industry).

    City authority: any unit; district authority: its own unit only.
    """
    require_district(actor, body.district_code)
    async with uow:
        created = await service.register_enterprise(uow, actor, body)
        try:
            await uow.commit()
        except IntegrityError as e:  # a concurrent registration of the same USCC won the race
            raise Conflict(f"enterprise {body.uscc} is already registered", field="uscc") from e
    response.headers["Location"] = f"/v1/enterprises/{created.uscc}"
    return created


@router.get("/enterprises/{uscc}", response_model=EnterpriseRead, responses=ERRORS)
async def get_enterprise(
    uscc: str,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE)),
) -> EnterpriseRead:
    """One enterprise by its USCC: city; district authority and expert in their units; the enterprise itself."""
    async with uow:
        found = await service.get_enterprise(uow, uscc)
    if actor.role == Role.ENTERPRISE:
        if actor.uscc != found.uscc:
            raise Forbidden("an enterprise may read only its own record")
    else:
        require_district(actor, found.district_code)
    return found


@router.get("/districts", tags=["code tables"])
async def list_districts() -> list[dict[str, str]]:
    """The 41 district units (38 GB/T 2260 divisions and 3 functional zones)."""
    return [{"code": d.code, "name": d.name, "kind": d.kind} for d in codes.districts().values()]
