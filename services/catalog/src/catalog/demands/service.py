"""Demands: posted by an enterprise (or its district authority on its behalf), or derived from the weakest
scenes and items of its latest finalised assessment."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from catalog.demands import repository
from catalog.demands.rules import budget_shares, derived_demand_id, weakest_items, weakest_scenes
from catalog.models import Demand
from contracts.api.identity import Role, TokenClaims
from contracts.api.matching import DemandClosure, DemandCreate, DemandRead, DemandSource, DemandStatus
from contracts.events.assessment import AssessmentFinalised
from contracts.events.catalog import DemandPosted
from servicekit.auth import own_uscc, require_district, unit_scope
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork


def to_read(row: Demand) -> DemandRead:
    values = {f: getattr(row, f) for f in DemandRead.model_fields}
    return DemandRead.model_validate(values)


def _scene_rows(
    demand_id: str,
    uscc: str,
    district: str,
    sub: str | None,
    code: str | None,
    scenes: Sequence[str],
    budget: int | None,
) -> list[dict[str, object]]:
    division = code[:3] if code else None
    return [
        {
            "demand_id": demand_id,
            "scene": scene,
            "uscc": uscc,
            "district_code": district,
            "sub_industry": sub,
            "industry_division": division,
            "budget_share_fen": share,
        }
        for scene, share in budget_shares(budget, scenes).items()
    ]


def _posted(row: Demand) -> DemandPosted:
    return DemandPosted(
        demand_id=row.demand_id,
        uscc=row.uscc,
        district_code=row.district_code,
        sub_industry=row.sub_industry,
        industry_code=row.industry_code,
        source=DemandSource(row.source),
        assessment_id=row.assessment_id,
        scenes=row.scenes,
        items=row.items,
        budget_fen=row.budget_fen,
        posted_at=row.updated_at,
    )


async def derive_from_assessments(uow: UnitOfWork, events: Sequence[AssessmentFinalised]) -> None:
    """A batch of finalised assessments: each enterprise's latest (newer than the one held) becomes its latest
    assessment and its derived demand (the weakest scenes and items), published as a demand posted."""
    latest: dict[str, AssessmentFinalised] = {}
    for e in events:
        held = latest.get(e.uscc)
        if held is None or e.finalised_at >= held.finalised_at:
            latest[e.uscc] = e
    held_at = await repository.assessed_at(uow.session, list(latest))
    fresh = [e for u, e in latest.items() if u not in held_at or held_at[u] < e.finalised_at]
    if not fresh:
        return
    profiles = await repository.profiles(uow.session, [e.uscc for e in fresh])
    now = datetime.now(UTC)
    assessments, demands, scenes = [], [], []
    for e in fresh:
        weak, items = weakest_scenes(e.scene_levels, e.guidance), weakest_items(e.guidance)
        assessments.append(
            {
                "uscc": e.uscc,
                "assessment_id": e.assessment_id,
                "finalised_at": e.finalised_at,
                "level": e.level,
                "scene_levels": dict(e.scene_levels),
                "weak_scenes": weak,
                "weak_items": items,
            }
        )
        if not weak:
            continue
        p = profiles.get(e.uscc)
        district = p.district_code if p else e.district_code
        sub, code = (p.sub_industry, p.industry_code) if p else (None, None)
        row = Demand(
            demand_id=derived_demand_id(e.uscc),
            uscc=e.uscc,
            district_code=district,
            sub_industry=sub,
            industry_code=code,
            source=DemandSource.ASSESSMENT.value,
            derived_for=e.uscc,
            assessment_id=e.assessment_id,
            assessed_at=e.finalised_at,
            scenes=weak,
            items=items,
            status=DemandStatus.OPEN.value,
            posted_by="assessment",
            created_at=now,
            updated_at=now,
        )
        demands.append(row)
        scenes += _scene_rows(row.demand_id, e.uscc, district, sub, code, weak, None)
    await repository.put_latest_assessments(uow.session, assessments)
    await repository.put_derived(
        uow.session, [{f: getattr(d, f) for f in Demand.model_fields} for d in demands], scenes
    )
    for d in demands:
        uow.emit(_posted(d))


def _subject(actor: TokenClaims, cmd_uscc: str | None) -> str:
    if actor.role is Role.ENTERPRISE:
        if cmd_uscc is not None and cmd_uscc != actor.uscc:
            raise Forbidden("an enterprise posts its own demands only", field="uscc")
        return actor.uscc or ""
    if cmd_uscc is None:
        raise InvalidInput("name the enterprise the demand is for", field="uscc")
    return cmd_uscc


async def post(uow: UnitOfWork, actor: TokenClaims, cmd: DemandCreate) -> DemandRead:
    uscc = _subject(actor, cmd.uscc)
    p = await repository.profile(uow.session, uscc)
    if p is None:
        raise InvalidInput(f"enterprise {uscc} is not known to the catalog (yet)", field="uscc")
    if actor.role is Role.DISTRICT:
        require_district(actor, p.district_code)
    now = datetime.now(UTC)
    scenes = list(dict.fromkeys(cmd.scenes))
    row = Demand(
        demand_id=f"dm_{secrets.token_hex(8)}",
        uscc=uscc,
        district_code=p.district_code,
        sub_industry=p.sub_industry,
        industry_code=p.industry_code,
        source=DemandSource.POSTED.value,
        scenes=scenes,
        items=list(dict.fromkeys(cmd.items)),
        budget_fen=cmd.budget_fen,
        needed_by=cmd.needed_by,
        note=cmd.note,
        status=DemandStatus.OPEN.value,
        posted_by=actor.sub,
        created_at=now,
        updated_at=now,
    )
    rows = _scene_rows(row.demand_id, uscc, p.district_code, p.sub_industry, p.industry_code, scenes, cmd.budget_fen)
    await repository.add(uow.session, row, rows)
    uow.audit(actor, "demand.post", row.demand_id, {"uscc": uscc, "scenes": scenes})
    uow.emit(_posted(row))
    return to_read(row)


def _check_scope(actor: TokenClaims, row: Demand) -> None:
    if actor.role is Role.ENTERPRISE and row.uscc != actor.uscc:
        raise NotFound(f"demand {row.demand_id} not found")
    if actor.role is Role.DISTRICT:
        require_district(actor, row.district_code)


async def close(uow: UnitOfWork, actor: TokenClaims, demand_id: str, cmd: DemandClosure) -> DemandRead:
    row = await repository.get(uow.session, demand_id)
    if row is None:
        raise NotFound(f"demand {demand_id} not found")
    _check_scope(actor, row)
    if row.status == DemandStatus.CLOSED.value:
        raise Conflict(f"demand {demand_id} is closed already")
    now = datetime.now(UTC)
    await repository.close(uow.session, demand_id, cmd.reason, now)
    row.status, row.closed_reason, row.updated_at = DemandStatus.CLOSED.value, cmd.reason, now
    uow.audit(actor, "demand.close", demand_id, {"reason": cmd.reason})
    return to_read(row)


async def list_demands(
    uow: UnitOfWork, actor: TokenClaims, uscc: str | None, status: DemandStatus | None, limit: int
) -> list[DemandRead]:
    """Demands in the caller's scope, latest first: an enterprise its own, a district its unit's, the city all."""
    uscc = own_uscc(actor, uscc, "demands")
    rows = await repository.find(
        uow.session,
        districts=unit_scope(actor),
        uscc=uscc,
        status=status.value if status else None,
        limit=limit,
    )
    return [to_read(r) for r in rows]
