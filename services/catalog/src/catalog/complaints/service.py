"""Complaints about a provider's work on an adoption, and their resolution by the district or the city."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from catalog.adoptions import service as adoptions
from catalog.complaints import repository
from catalog.matching import repository as matching
from catalog.models import Complaint
from contracts.api.adoptions import ComplaintCreate, ComplaintRead, ComplaintResolution
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import require_district, unit_scope
from servicekit.errors import Conflict, NotFound
from servicekit.uow import UnitOfWork


def to_read(row: Complaint) -> ComplaintRead:
    return ComplaintRead.model_validate({f: getattr(row, f) for f in ComplaintRead.model_fields})


async def file(uow: UnitOfWork, actor: TokenClaims, cmd: ComplaintCreate) -> ComplaintRead:
    """The adopting enterprise (or its district) files a complaint; it weighs on the provider until resolved."""
    adoption = await adoptions.visible(uow, actor, cmd.adoption_id)
    row = Complaint(
        complaint_id=f"cp_{secrets.token_hex(8)}",
        adoption_id=adoption.adoption_id,
        uscc=adoption.uscc,
        district_code=adoption.district_code,
        provider_id=adoption.provider_id,
        solution_id=adoption.solution_id,
        text=cmd.text,
        filed_by=actor.sub,
        filed_at=datetime.now(UTC),
    )
    await repository.add(uow.session, row)
    await matching.bump(uow.session)
    uow.audit(actor, "complaint.file", row.complaint_id, {"adoption": adoption.adoption_id})
    return to_read(row)


async def resolve(uow: UnitOfWork, actor: TokenClaims, complaint_id: str, cmd: ComplaintResolution) -> ComplaintRead:
    row = await repository.get(uow.session, complaint_id)
    if row is None:
        raise NotFound(f"complaint {complaint_id} not found")
    if actor.role is Role.DISTRICT:
        require_district(actor, row.district_code)
    if row.resolved_at is not None:
        raise Conflict(f"complaint {complaint_id} was resolved already")
    now = datetime.now(UTC)
    await repository.resolve(uow.session, complaint_id, cmd.resolution, cmd.upheld, actor.sub, now)
    row.resolution, row.upheld, row.resolved_by, row.resolved_at = cmd.resolution, cmd.upheld, actor.sub, now
    await matching.bump(uow.session)
    uow.audit(actor, "complaint.resolve", complaint_id, {"upheld": cmd.upheld})
    return to_read(row)


async def list_complaints(
    uow: UnitOfWork, actor: TokenClaims, unresolved_only: bool, limit: int
) -> list[ComplaintRead]:
    """Complaints in scope: an enterprise its own, a provider those against it, a district its unit's, the city all."""
    rows = await repository.find(
        uow.session,
        districts=unit_scope(actor),
        uscc=actor.uscc if actor.role is Role.ENTERPRISE else None,
        provider_id=actor.provider_id if actor.role is Role.PROVIDER else None,
        unresolved_only=unresolved_only,
        limit=limit,
    )
    return [to_read(r) for r in rows]
