"""Programme activity records: record (idempotently by the organiser's own id), list."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select

from contracts.api.activities import ActivityCreate, ActivityKind, ActivityRead
from contracts.api.identity import Role, TokenClaims
from contracts.events.registry import ActivityRecorded
from registry.models import activities
from servicekit.auth import require_district
from servicekit.uow import UnitOfWork


def _read(row: Any) -> ActivityRead:
    m = dict(row._mapping)
    return ActivityRead.model_validate({**m, "enterprises": json.loads(m["enterprises"])})


async def record_activity(uow: UnitOfWork, actor: TokenClaims, cmd: ActivityCreate) -> tuple[ActivityRead, bool]:
    """Store it and emit `registry.activity.recorded`; the same organiser + external_ref again returns
    the stored record (False: nothing new)."""
    if actor.role != Role.CITY:
        require_district(actor, cmd.district_code)
    if cmd.external_ref:
        stmt = select(activities).where(
            activities.c.organiser == cmd.organiser, activities.c.external_ref == cmd.external_ref
        )
        if (row := (await uow.session.execute(stmt)).first()) is not None:
            return _read(row), False
    values = {
        **cmd.model_dump(),
        "kind": cmd.kind.value,
        "enterprises": json.dumps(cmd.enterprises),
        "activity_id": f"ac_{secrets.token_hex(6)}",
        "recorded_at": datetime.now(UTC),
        "recorded_by": actor.sub,
    }
    await uow.session.execute(insert(activities).values(**values))
    uow.audit(actor, "activity.record", values["activity_id"], {"kind": cmd.kind.value, "district": cmd.district_code})
    uow.emit(
        ActivityRecorded(
            activity_id=values["activity_id"],
            kind=cmd.kind,
            district_code=cmd.district_code,
            held_on=cmd.held_on,
            enterprises_served=len(cmd.enterprises),
            participants=cmd.participants,
        )
    )
    return ActivityRead.model_validate({**values, "enterprises": cmd.enterprises}), True


async def list_activities(
    uow: UnitOfWork, actor: TokenClaims, year: int | None, kind: ActivityKind | None, limit: int
) -> list[ActivityRead]:
    a = activities
    stmt = select(a).order_by(a.c.held_on.desc()).limit(limit)
    if actor.role == Role.DISTRICT:
        stmt = stmt.where(a.c.district_code.in_(actor.districts))
    if year:
        stmt = stmt.where(a.c.held_on >= date(year, 1, 1), a.c.held_on <= date(year, 12, 31))
    if kind:
        stmt = stmt.where(a.c.kind == kind.value)
    return [_read(r) for r in (await uow.session.execute(stmt)).all()]
