"""The transformation-project read model kept by services that are not the registry (assessment links
assessments to projects as T0/T1; finance ties subsidies to them)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Column, ColumnElement, Integer, MetaData, String, Table, update

from contracts.api.errors import ErrorBody
from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import Stage
from contracts.api.readmodels import KnownProject, ProjectPage
from contracts.events.registry import ProjectCreated, ProjectStageChanged
from readmodels.queries import one_in_scope, page
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.consumer import Received, Subscription
from servicekit.db import UTCDateTime, insert_ignore
from servicekit.uow import UnitOfWork

READERS = (Role.CITY, Role.DISTRICT, Role.EXPERT, Role.OPS)


def known_projects_table(metadata: MetaData) -> Table:
    return Table(
        "known_projects",
        metadata,
        Column("project_id", String(40), primary_key=True),
        Column("uscc", String(18), nullable=False, index=True),
        Column("district_code", String(8), nullable=False, index=True),
        Column("provider_id", String(40), nullable=True),
        Column("stage", String(16), nullable=False),
        Column("seq", Integer, nullable=False),
        Column("stage_entered_at", UTCDateTime(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=True),
    )


def project_subscriptions(table: Table) -> list[Subscription]:
    """Keep `table` in step with the registry's project events. Each event carries the project's
    transition number (`seq`), and only a later one moves a row on, so redelivered, replayed or
    reordered events leave the same state."""

    async def on_created(uow: UnitOfWork, events: list[Received[ProjectCreated]]) -> None:
        for e in events:
            p = e.payload
            row = {
                "project_id": p.project_id,
                "uscc": p.uscc,
                "district_code": p.district_code,
                "provider_id": p.provider_id,
                "stage": p.stage.value,
                "seq": 1,
                "stage_entered_at": p.created_at,
                "created_at": p.created_at,
            }
            await uow.session.execute(insert_ignore(uow.dialect, table, [row], ["project_id"]))
            # a stage change seen first (a rebuild from a partial log) left the creation facts empty
            await uow.session.execute(
                update(table)
                .where(table.c.project_id == p.project_id, table.c.created_at.is_(None))
                .values(provider_id=p.provider_id, created_at=p.created_at)
            )

    async def on_stage_changed(uow: UnitOfWork, events: list[Received[ProjectStageChanged]]) -> None:
        for e in events:
            p = e.payload
            moved = {"stage": p.to_stage.value, "seq": p.seq, "stage_entered_at": p.at}
            placeholder = {"project_id": p.project_id, "uscc": p.uscc, "district_code": p.district_code, **moved}
            await uow.session.execute(insert_ignore(uow.dialect, table, [placeholder | {"seq": 0}], ["project_id"]))
            await uow.session.execute(
                update(table).where(table.c.project_id == p.project_id, table.c.seq < p.seq).values(**moved)
            )

    return [Subscription(ProjectCreated, on_created), Subscription(ProjectStageChanged, on_stage_changed)]


def _known(row: Any) -> KnownProject:
    return KnownProject.model_validate(dict(row._mapping))


def project_router(table: Table) -> APIRouter:
    """GET /v1/known-projects[/{project_id}]: what this service knows of transformation projects."""
    router = APIRouter(prefix="/v1/known-projects", tags=["read models"])
    errors: dict[int | str, dict[str, Any]] = {403: {"model": ErrorBody}, 404: {"model": ErrorBody}}

    @router.get("", response_model=ProjectPage, responses=errors)
    async def list_known(
        uscc: str | None = Query(None, max_length=18),
        stage: Stage | None = None,
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        uow: UnitOfWork = Depends(get_uow),
        actor: TokenClaims = Depends(allow(*READERS)),
    ) -> ProjectPage:
        """Projects this service has learnt of (a district authority or expert: its units')."""
        where: list[ColumnElement[bool]] = []
        if actor.role in (Role.DISTRICT, Role.EXPERT):
            where.append(table.c.district_code.in_(actor.districts))
        if uscc:
            where.append(table.c.uscc == uscc.upper())
        if stage:
            where.append(table.c.stage == stage.value)
        total, rows = await page(uow, table, where, [table.c.project_id], limit, offset)
        return ProjectPage(total=total, items=[_known(r) for r in rows])

    @router.get("/{project_id}", response_model=KnownProject, responses=errors)
    async def get_known(
        project_id: str, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(allow(*READERS))
    ) -> KnownProject:
        return _known(await one_in_scope(uow, actor, table.c.project_id, project_id, f"project {project_id}"))

    return router
