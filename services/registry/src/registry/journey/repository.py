"""Every query on providers, projects and their transitions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.models import Project, ProjectTransition, Provider
from servicekit.db import columns_of, table_of


async def add_provider(session: AsyncSession, row: Provider) -> None:
    await session.execute(insert(table_of(Provider)).values(**columns_of(row)))


async def get_provider(session: AsyncSession, provider_id: str) -> Provider | None:
    query = select(Provider).where(Provider.provider_id == provider_id).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def provider_exists(session: AsyncSession, provider_id: str) -> bool:
    return (
        await session.execute(select(Provider.provider_id).where(Provider.provider_id == provider_id))
    ).first() is not None


async def provider_by_uscc(session: AsyncSession, uscc: str) -> str | None:
    return (await session.execute(select(Provider.provider_id).where(Provider.uscc == uscc))).scalar()


async def list_providers(session: AsyncSession, status: str | None) -> Sequence[Provider]:
    query = select(Provider).order_by(col(Provider.created_at))
    if status:
        query = query.where(Provider.status == status)
    return (await session.execute(query)).scalars().all()


async def set_provider_status(session: AsyncSession, provider_id: str, status: str, reason: str, at: datetime) -> None:
    await session.execute(
        update(table_of(Provider))
        .where(col(Provider.provider_id) == provider_id)
        .values(status=status, status_reason=reason, status_changed_at=at)
    )


async def serves(session: AsyncSession, provider_id: str, uscc: str) -> bool:
    """Whether the provider has a project with the enterprise (one its district authority or the city filed)."""
    query = select(Project.project_id).where(Project.provider_id == provider_id, Project.uscc == uscc).limit(1)
    return (await session.execute(query)).first() is not None


async def add_project(session: AsyncSession, row: Project) -> None:
    await session.execute(insert(table_of(Project)).values(**columns_of(row)))


async def get_project(session: AsyncSession, project_id: str) -> Project | None:
    query = select(Project).where(Project.project_id == project_id).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def move_project(session: AsyncSession, project_id: str, seq: int, stage: str, at: datetime) -> bool:
    """Advance the project; False if another transition landed first (seq changed)."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(table_of(Project))
            .where(col(Project.project_id) == project_id, col(Project.seq) == seq - 1)
            .values(stage=stage, stage_entered_at=at, seq=seq)
        ),
    )
    return bool(result.rowcount)


async def add_transition(session: AsyncSession, row: ProjectTransition) -> None:
    await session.execute(insert(table_of(ProjectTransition)).values(**columns_of(row)))


async def transitions(session: AsyncSession, project_id: str) -> Sequence[ProjectTransition]:
    query = select(ProjectTransition).where(ProjectTransition.project_id == project_id)
    return (await session.execute(query.order_by(col(ProjectTransition.seq)))).scalars().all()


async def list_projects(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    provider_id: str | None,
    uscc: str | None,
    stage: str | None,
    entered_before: datetime | None,
    limit: int,
) -> Sequence[Project]:
    p = Project
    where: list[ColumnElement[bool]] = []
    if districts is not None:
        where.append(col(p.district_code).in_(districts))
    if provider_id:
        where.append(col(p.provider_id) == provider_id)
    if uscc:
        where.append(col(p.uscc) == uscc)
    if stage:
        where.append(col(p.stage) == stage)
    if entered_before:
        where.append(col(p.stage_entered_at) < entered_before)
    query = select(p).where(*where).order_by(col(p.stage_entered_at)).limit(limit)
    return (await session.execute(query)).scalars().all()
