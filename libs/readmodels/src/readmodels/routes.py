"""GET /v1/known-*: what a service knows of other services' facts, scoped to the caller's units."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import Stage
from contracts.api.readmodels import (
    KnownEnterprise,
    KnownLevelChange,
    KnownProject,
    LevelChangePage,
    ProjectPage,
    ReadModelPage,
)
from readmodels import service
from servicekit.auth import allow, require_district
from servicekit.deps import Uow
from servicekit.http import MAX_OFFSET, error_responses

ERRORS = error_responses(401, 403, 404, 422)
EnterpriseReaders = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]
ProjectReaders = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.OPS))]
LevelReaders = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]


def _units(actor: TokenClaims, column: Any) -> list[Any]:
    """A district authority or expert sees its own units' rows only."""
    return [column.in_(actor.districts)] if actor.role in (Role.DISTRICT, Role.EXPERT) else []


def enterprise_router(model: Any) -> APIRouter:
    """GET /v1/known-enterprises[/{uscc}]: what this service knows of enterprises."""
    router = APIRouter(prefix="/v1/known-enterprises", tags=["read models"])

    @router.get("", response_model=ReadModelPage, responses=ERRORS)
    async def list_known(
        uow: Uow,
        actor: EnterpriseReaders,
        district_code: str | None = Query(None, max_length=8),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> ReadModelPage:
        """Enterprises this service has learnt of from registry events (a district authority: its unit's)."""
        where = _units(actor, model.district_code)
        if district_code:
            require_district(actor, district_code)
            where = [model.district_code == district_code]
        total, rows = await service.page(uow, model, where, [model.uscc], limit, offset)
        return ReadModelPage(total=total, items=[KnownEnterprise.model_validate(r, from_attributes=True) for r in rows])

    @router.get("/{uscc}", response_model=KnownEnterprise, responses=ERRORS)
    async def get_known(uscc: str, uow: Uow, actor: EnterpriseReaders) -> KnownEnterprise:
        row = await service.one_in_scope(uow, actor, model, model.uscc, uscc.upper(), uscc)
        return KnownEnterprise.model_validate(row, from_attributes=True)

    return router


def project_router(model: Any) -> APIRouter:
    """GET /v1/known-projects[/{project_id}]: what this service knows of transformation projects."""
    router = APIRouter(prefix="/v1/known-projects", tags=["read models"])

    @router.get("", response_model=ProjectPage, responses=ERRORS)
    async def list_known(
        uow: Uow,
        actor: ProjectReaders,
        uscc: str | None = Query(None, max_length=18),
        stage: Stage | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> ProjectPage:
        """Projects this service has learnt of (a district authority or expert: its units')."""
        where = _units(actor, model.district_code)
        if uscc:
            where.append(model.uscc == uscc.upper())
        if stage:
            where.append(model.stage == stage.value)
        total, rows = await service.page(uow, model, where, [model.project_id], limit, offset)
        return ProjectPage(total=total, items=[KnownProject.model_validate(r, from_attributes=True) for r in rows])

    @router.get("/{project_id}", response_model=KnownProject, responses=ERRORS)
    async def get_known(project_id: str, uow: Uow, actor: ProjectReaders) -> KnownProject:
        row = await service.one_in_scope(uow, actor, model, model.project_id, project_id, f"project {project_id}")
        return KnownProject.model_validate(row, from_attributes=True)

    return router


def level_change_router(model: Any) -> APIRouter:
    """GET /v1/known-level-changes[/{project_id}]: projects' T0→T1 level changes as this service knows them."""
    router = APIRouter(prefix="/v1/known-level-changes", tags=["read models"])

    @router.get("", response_model=LevelChangePage, responses=ERRORS)
    async def list_known(
        uow: Uow,
        actor: LevelReaders,
        uscc: str | None = Query(None, max_length=18),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> LevelChangePage:
        """Measured projects (a district authority: its unit's), newest first."""
        where = _units(actor, model.district_code) if actor.role == Role.DISTRICT else []
        if uscc:
            where.append(model.uscc == uscc.upper())
        order = [model.measured_at.desc(), model.project_id]
        total, rows = await service.page(uow, model, where, order, limit, offset)
        return LevelChangePage(
            total=total, items=[KnownLevelChange.model_validate(r, from_attributes=True) for r in rows]
        )

    @router.get("/{project_id}", response_model=KnownLevelChange, responses=ERRORS)
    async def get_known(project_id: str, uow: Uow, actor: LevelReaders) -> KnownLevelChange:
        what = f"the level change of project {project_id}"
        row = await service.one_in_scope(uow, actor, model, model.project_id, project_id, what)
        return KnownLevelChange.model_validate(row, from_attributes=True)

    return router
