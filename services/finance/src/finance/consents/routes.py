"""Routes of the consents an enterprise gives banks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from contracts.api.finance import ConsentCreate, ConsentRead, ConsentRevocation
from contracts.api.identity import Role, TokenClaims
from finance.consents import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/consents", tags=["consents"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Granters = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT))]
Revokers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY))]
Readers = Annotated[TokenClaims, Depends(allow(Role.ENTERPRISE, Role.DISTRICT, Role.CITY, Role.BANK))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ConsentRead, responses=ERRORS)
async def grant_consent(body: ConsentCreate, uow: Uow, actor: Granters) -> ConsentRead:
    """An enterprise lets `bank_id` query its eligibility for `product_id` until `valid_until`; a district
    authority records such a consent given on paper (`uscc` and `paper_form_sha256` required)."""
    async with uow:
        result = await service.grant(uow, actor, body)
        await uow.commit()
    return result


@router.post("/{consent_id}/revocation", response_model=ConsentRead, responses=ERRORS)
async def revoke_consent(consent_id: str, body: ConsentRevocation, uow: Uow, actor: Revokers) -> ConsentRead:
    """Withdraw a consent (the enterprise, its district authority or the city): the bank is refused from now."""
    async with uow:
        result = await service.revoke(uow, actor, consent_id, body)
        await uow.commit()
    return result


@router.get("", response_model=list[ConsentRead], responses=ERRORS)
async def list_consents(
    uow: Uow,
    actor: Readers,
    uscc: str | None = Query(None, min_length=18, max_length=18),
    active_only: bool = False,
    limit: int = Query(50, ge=1, le=500),
) -> list[ConsentRead]:
    """Consents in the caller's scope, newest first (a bank: the ones given to it)."""
    async with uow:
        return await service.list_consents(uow, actor, uscc.upper() if uscc else None, active_only, limit)
