"""The T0→T1 level-change read model: what a project's transformation did to the enterprise's digital
level (finance pays subsidies on it; the indexer reports it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import Boolean, Column, ColumnElement, Integer, MetaData, String, Table, update

from contracts.api.errors import ErrorBody
from contracts.api.identity import Role, TokenClaims
from contracts.api.readmodels import KnownLevelChange, LevelChangePage
from contracts.events.assessment import ProjectLevelChanged
from readmodels.queries import one_in_scope, page
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.consumer import Received, Subscription
from servicekit.db import UTCDateTime, insert_ignore
from servicekit.uow import UnitOfWork

READERS = (Role.CITY, Role.DISTRICT, Role.OPS)


def level_changes_table(metadata: MetaData) -> Table:
    return Table(
        "known_level_changes",
        metadata,
        Column("project_id", String(40), primary_key=True),
        Column("uscc", String(18), nullable=False, index=True),
        Column("district_code", String(8), nullable=False, index=True),
        Column("scheme_id", String(40), nullable=False),
        Column("scheme_version", Integer, nullable=False),
        Column("t0_assessment_id", String(40), nullable=False),
        Column("t1_assessment_id", String(40), nullable=False),
        Column("t0_level", Integer, nullable=False),
        Column("t1_level", Integer, nullable=False),
        Column("level_delta", Integer, nullable=False),
        Column("t0_total", String(16), nullable=False),
        Column("t1_total", String(16), nullable=False),
        Column("total_delta", String(16), nullable=False),
        Column("reached_level_2", Boolean, nullable=False),
        Column("measured_at", UTCDateTime(), nullable=False),
    )


def level_change_subscriptions(table: Table) -> list[Subscription]:
    """Keep the latest measurement per project: a re-assessment replaces it, a replayed older one does not."""

    async def on_level_changed(uow: UnitOfWork, events: list[Received[ProjectLevelChanged]]) -> None:
        for e in events:
            p = e.payload
            values = p.model_dump(include=set(table.c.keys()))
            for k in ("t0_total", "t1_total", "total_delta"):
                values[k] = str(values[k])
            await uow.session.execute(insert_ignore(uow.dialect, table, [values], ["project_id"]))
            await uow.session.execute(
                update(table)
                .where(table.c.project_id == p.project_id, table.c.measured_at < p.measured_at)
                .values(**values)
            )

    return [Subscription(ProjectLevelChanged, on_level_changed)]


def _known(row: Any) -> KnownLevelChange:
    m = dict(row._mapping)
    for k in ("t0_total", "t1_total", "total_delta"):
        m[k] = Decimal(m[k])
    return KnownLevelChange.model_validate(m)


def level_change_router(table: Table) -> APIRouter:
    """GET /v1/known-level-changes[/{project_id}]: projects' T0→T1 level changes as this service knows them."""
    router = APIRouter(prefix="/v1/known-level-changes", tags=["read models"])
    errors: dict[int | str, dict[str, Any]] = {403: {"model": ErrorBody}, 404: {"model": ErrorBody}}

    @router.get("", response_model=LevelChangePage, responses=errors)
    async def list_known(
        uscc: str | None = Query(None, max_length=18),
        limit: int = Query(50, ge=1, le=500),
        offset: int = Query(0, ge=0),
        uow: UnitOfWork = Depends(get_uow),
        actor: TokenClaims = Depends(allow(*READERS)),
    ) -> LevelChangePage:
        """Measured projects (a district authority: its unit's), newest first."""
        where: list[ColumnElement[bool]] = []
        if actor.role == Role.DISTRICT:
            where.append(table.c.district_code.in_(actor.districts))
        if uscc:
            where.append(table.c.uscc == uscc.upper())
        order = [table.c.measured_at.desc(), table.c.project_id]
        total, rows = await page(uow, table, where, order, limit, offset)
        return LevelChangePage(total=total, items=[_known(r) for r in rows])

    @router.get("/{project_id}", response_model=KnownLevelChange, responses=errors)
    async def get_known(
        project_id: str, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(allow(*READERS))
    ) -> KnownLevelChange:
        what = f"the level change of project {project_id}"
        return _known(await one_in_scope(uow, actor, table.c.project_id, project_id, what))

    return router
