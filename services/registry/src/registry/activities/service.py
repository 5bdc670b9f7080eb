"""Programme activity records: record (idempotently by the organiser's own id), list."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from contracts.api.activities import ActivityCreate, ActivityKind, ActivityRead
from contracts.api.identity import Role, TokenClaims
from contracts.events.registry import ActivityRecorded
from registry.activities import repository
from registry.models import Activity
from servicekit.auth import require_district
from servicekit.uow import UnitOfWork


def to_read(row: Activity) -> ActivityRead:
    return ActivityRead.model_validate(row, from_attributes=True)


async def record_activity(uow: UnitOfWork, actor: TokenClaims, cmd: ActivityCreate) -> tuple[ActivityRead, bool]:
    """Store it and emit `registry.activity.recorded`; the same organiser + external_ref again returns
    the stored record (False: nothing new)."""
    if actor.role != Role.CITY:
        require_district(actor, cmd.district_code)
    if cmd.external_ref:
        stored = await repository.by_external_ref(uow.session, cmd.organiser, cmd.external_ref)
        if stored is not None:
            return to_read(stored), False
    row = Activity(
        **cmd.model_dump(exclude={"kind"}),
        kind=cmd.kind.value,
        activity_id=f"ac_{secrets.token_hex(6)}",
        recorded_at=datetime.now(UTC),
        recorded_by=actor.sub,
    )
    await repository.add_activity(uow.session, row)
    uow.audit(actor, "activity.record", row.activity_id, {"kind": cmd.kind.value, "district": cmd.district_code})
    uow.emit(
        ActivityRecorded(
            activity_id=row.activity_id,
            kind=cmd.kind,
            district_code=cmd.district_code,
            held_on=cmd.held_on,
            enterprises_served=len(cmd.enterprises),
            participants=cmd.participants,
        )
    )
    return to_read(row), True


async def list_activities(
    uow: UnitOfWork, actor: TokenClaims, year: int | None, kind: ActivityKind | None, limit: int
) -> list[ActivityRead]:
    districts = list(actor.districts) if actor.role == Role.DISTRICT else None
    rows = await repository.list_activities(uow.session, districts, year, kind.value if kind else None, limit)
    return [to_read(r) for r in rows]
