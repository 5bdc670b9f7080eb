"""Provider and journey use cases: apply, approve/suspend, file a project, move it through the stages."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import (
    STAGE_NAMES,
    ProjectCreate,
    ProjectRead,
    ProviderCreate,
    ProviderRead,
    ProviderStatus,
    ProviderStatusChange,
    Stage,
    TransitionCreate,
    TransitionRead,
)
from contracts.events.registry import ProjectCreated, ProjectStageChanged, ProviderRegistered, ProviderStatusChanged
from registry.enterprises import repository as enterprises
from registry.journey import repository as repo
from registry.journey.rules import PROVIDER_TRANSITIONS, allowed_next, may_move
from registry.models import Enterprise, Project, ProjectTransition, Provider
from servicekit.auth import require_district
from servicekit.db import columns_of
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork


async def register_provider(uow: UnitOfWork, actor: TokenClaims, cmd: ProviderCreate) -> ProviderRead:
    if await repo.provider_by_uscc(uow.session, cmd.uscc):
        raise Conflict(f"a provider with USCC {cmd.uscc} exists already", field="uscc")
    now = datetime.now(UTC)
    provider_id = f"pv_{secrets.token_hex(6)}"
    row = Provider(
        provider_id=provider_id,
        name=cmd.name,
        uscc=cmd.uscc,
        categories=[c.value for c in cmd.categories],
        platforms=cmd.platforms,
        status=ProviderStatus.APPLIED.value,
        status_reason=None,
        created_at=now,
        status_changed_at=now,
    )
    await repo.add_provider(uow.session, row)
    uow.audit(actor, "provider.register", provider_id, {"name": cmd.name})
    uow.emit(
        ProviderRegistered(
            provider_id=provider_id,
            name=cmd.name,
            uscc=cmd.uscc,
            categories=cmd.categories,
            registered_at=now,
        )
    )
    return to_provider(row)


def to_provider(row: Provider) -> ProviderRead:
    return ProviderRead.model_validate(row, from_attributes=True)


async def list_providers(uow: UnitOfWork, actor: TokenClaims, status: ProviderStatus | None) -> list[ProviderRead]:
    """Every provider; a provider sees itself only."""
    rows = await repo.list_providers(uow.session, status.value if status else None)
    if actor.role == Role.PROVIDER:
        rows = [p for p in rows if p.provider_id == actor.provider_id]
    return [to_provider(p) for p in rows]


async def get_provider(uow: UnitOfWork, actor: TokenClaims, provider_id: str) -> ProviderRead:
    """A provider's profile: anyone but another provider."""
    if actor.role == Role.PROVIDER and actor.provider_id != provider_id:
        raise Forbidden("a provider sees only its own profile here")
    return to_provider(await load_provider(uow, provider_id))


async def load_provider(uow: UnitOfWork, provider_id: str) -> Provider:
    p = await repo.get_provider(uow.session, provider_id)
    if p is None:
        raise NotFound(f"no provider {provider_id}")
    return p


async def change_provider_status(
    uow: UnitOfWork, actor: TokenClaims, provider_id: str, cmd: ProviderStatusChange
) -> ProviderRead:
    p = await load_provider(uow, provider_id)
    before = ProviderStatus(p.status)
    if cmd.status not in PROVIDER_TRANSITIONS[before]:
        allowed = ", ".join(s.value for s in PROVIDER_TRANSITIONS[before])
        raise Conflict(f"a provider in status {before.value} can only become: {allowed}", field="status")
    now = datetime.now(UTC)
    await repo.set_provider_status(uow.session, provider_id, cmd.status.value, cmd.reason, now)
    uow.audit(
        actor, "provider.status", provider_id, {"before": before.value, "after": cmd.status.value, "reason": cmd.reason}
    )
    uow.emit(
        ProviderStatusChanged(
            provider_id=provider_id, before=before, after=cmd.status, reason=cmd.reason, changed_at=now
        )
    )
    return to_provider(p).model_copy(
        update={"status": cmd.status, "status_reason": cmd.reason, "status_changed_at": now}
    )


def to_project(row: Project, now: datetime | None = None) -> ProjectRead:
    now = now or datetime.now(UTC)
    stage = Stage(row.stage)
    return ProjectRead(
        project_id=row.project_id,
        uscc=row.uscc,
        district_code=row.district_code,
        provider_id=row.provider_id,
        title=row.title,
        planned_solutions=row.planned_solutions,
        stage_entered_at=row.stage_entered_at,
        created_at=row.created_at,
        stage=stage,
        stage_name=STAGE_NAMES[stage],
        allowed_next=allowed_next(stage),
        days_in_stage=round((now - row.stage_entered_at).total_seconds() / 86400, 3),
    )


def check_project_access(actor: TokenClaims, uscc: str, district_code: str, provider_id: str) -> None:
    if actor.role == Role.PROVIDER:
        if actor.provider_id != provider_id:
            raise Forbidden("a provider sees only its own projects")
    elif actor.role == Role.ENTERPRISE:
        if actor.uscc != uscc:
            raise Forbidden("an enterprise sees only its own projects")
    else:
        require_district(actor, district_code)


async def check_provider_may_write(uow: UnitOfWork, actor: TokenClaims) -> None:
    """A provider writes only while approved: on every interface (push, projects, transitions)."""
    if actor.role != Role.PROVIDER:
        return
    provider = await repo.get_provider(uow.session, actor.provider_id or "")
    if provider is None or provider.status != ProviderStatus.APPROVED.value:
        status = provider.status if provider else "not registered"
        raise Forbidden(f"provider {actor.provider_id} is {status}: only an approved provider may write")


async def _provider_may_file(uow: UnitOfWork, provider_id: str, enterprise: Enterprise | None) -> bool:
    if enterprise is None:
        return False
    return enterprise.pushed_by == provider_id or await repo.serves(uow.session, provider_id, enterprise.uscc)


async def create_project(uow: UnitOfWork, actor: TokenClaims, cmd: ProjectCreate) -> ProjectRead:
    """File a project. A provider files one only for an enterprise it registered by push or that its
    district authority assigned to it (filed a project of it with this provider), and learns nothing
    about the others: unknown and not-its-own enterprises get the same answer."""
    await check_provider_may_write(uow, actor)
    enterprise = await enterprises.get_enterprise(uow.session, cmd.uscc)
    if actor.role == Role.PROVIDER and not await _provider_may_file(uow, actor.provider_id or "", enterprise):
        raise InvalidInput(
            f"no enterprise {cmd.uscc} that you registered or were assigned: a provider files projects for "
            "the enterprises it pushed or already serves; its district authority files the others",
            field="uscc",
        )
    if enterprise is None:
        raise InvalidInput(f"no enterprise with USCC {cmd.uscc}: register it first", field="uscc")
    provider = await repo.get_provider(uow.session, cmd.provider_id)
    if provider is None:
        raise InvalidInput(f"no provider {cmd.provider_id}", field="provider_id")
    if provider.status != ProviderStatus.APPROVED.value:
        raise InvalidInput(f"provider {cmd.provider_id} is {provider.status}, not approved", field="provider_id")
    check_project_access(actor, cmd.uscc, enterprise.district_code, cmd.provider_id)
    now = datetime.now(UTC)
    project_id = f"pj_{secrets.token_hex(6)}"
    row = Project(
        project_id=project_id,
        uscc=cmd.uscc,
        district_code=enterprise.district_code,
        provider_id=cmd.provider_id,
        title=cmd.title,
        planned_solutions=cmd.planned_solutions,
        stage=Stage.DIAGNOSIS.value,
        stage_entered_at=now,
        seq=1,
        created_at=now,
    )
    await repo.add_project(uow.session, row)
    await repo.add_transition(
        uow.session,
        ProjectTransition(
            project_id=project_id,
            seq=1,
            from_stage=None,
            to_stage=Stage.DIAGNOSIS.value,
            at=now,
            actor=actor.sub,
            role=actor.role.value,
            evidence=[],
            note="filed",
        ),
    )
    uow.audit(actor, "project.create", project_id, {"uscc": cmd.uscc, "provider_id": cmd.provider_id})
    uow.emit(
        ProjectCreated(
            project_id=project_id,
            uscc=cmd.uscc,
            district_code=row.district_code,
            provider_id=cmd.provider_id,
            stage=Stage.DIAGNOSIS,
            created_at=now,
        )
    )
    return to_project(row, now)


async def load_project(uow: UnitOfWork, actor: TokenClaims, project_id: str) -> Project:
    row = await repo.get_project(uow.session, project_id)
    if row is None:
        raise NotFound(f"no project {project_id}")
    check_project_access(actor, row.uscc, row.district_code, row.provider_id)
    return row


async def get_project(uow: UnitOfWork, actor: TokenClaims, project_id: str) -> ProjectRead:
    return to_project(await load_project(uow, actor, project_id))


async def move_project(uow: UnitOfWork, actor: TokenClaims, project_id: str, cmd: TransitionCreate) -> ProjectRead:
    """Move to the next stage; 409 naming the allowed next stage(s) otherwise; 403 for the wrong actor."""
    await check_provider_may_write(uow, actor)
    row = await load_project(uow, actor, project_id)
    stage = Stage(row.stage)
    allowed = allowed_next(stage)
    if cmd.to_stage not in allowed:
        names = ", ".join(s.value for s in allowed) or "none (运维迭代 is the last stage)"
        raise Conflict(f"{project_id} is in {stage.value}; allowed next: {names}", field="to_stage")
    reason = may_move(actor, stage, uscc=row.uscc, district=row.district_code, provider_id=row.provider_id)
    if reason:
        raise Forbidden(reason)
    now = datetime.now(UTC)
    seq = row.seq + 1
    if not await repo.move_project(uow.session, project_id, seq, cmd.to_stage.value, now):
        raise Conflict(f"{project_id} moved meanwhile; read it again")
    await repo.add_transition(
        uow.session,
        ProjectTransition(
            project_id=project_id,
            seq=seq,
            from_stage=stage.value,
            to_stage=cmd.to_stage.value,
            at=now,
            actor=actor.sub,
            role=actor.role.value,
            evidence=cmd.evidence,
            note=cmd.note,
        ),
    )
    days = (now - row.stage_entered_at).total_seconds() / 86400
    uow.audit(actor, "project.move", project_id, {"from": stage.value, "to": cmd.to_stage.value})
    uow.emit(
        ProjectStageChanged(
            project_id=project_id,
            uscc=row.uscc,
            district_code=row.district_code,
            seq=seq,
            from_stage=stage,
            to_stage=cmd.to_stage,
            at=now,
            actor_role=actor.role.value,
            days_in_previous_stage=round(days, 3),
        )
    )
    moved = Project(**{**columns_of(row), "stage": cmd.to_stage.value, "stage_entered_at": now, "seq": seq})
    return to_project(moved, now)


async def project_history(uow: UnitOfWork, actor: TokenClaims, project_id: str) -> list[TransitionRead]:
    await load_project(uow, actor, project_id)
    return [
        TransitionRead.model_validate(t, from_attributes=True) for t in await repo.transitions(uow.session, project_id)
    ]


async def list_projects(
    uow: UnitOfWork, actor: TokenClaims, stage: Stage | None, stuck_days: float | None, limit: int
) -> list[ProjectRead]:
    """Projects in the caller's scope, longest in their stage first; `stuck_days` finds stalled ones."""
    now = datetime.now(UTC)
    rows = await repo.list_projects(
        uow.session,
        districts=list(actor.districts) if actor.role in (Role.DISTRICT, Role.EXPERT) else None,
        provider_id=actor.provider_id if actor.role == Role.PROVIDER else None,
        uscc=actor.uscc if actor.role == Role.ENTERPRISE else None,
        stage=stage.value if stage else None,
        entered_before=now - timedelta(days=stuck_days) if stuck_days is not None else None,
        limit=limit,
    )
    return [to_project(r, now) for r in rows]
