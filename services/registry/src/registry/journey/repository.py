"""Every query on providers, projects and their transitions."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import project_transitions, projects, providers


def _decode(row: Any, *fields: str) -> dict[str, Any]:
    m = dict(row._mapping)
    for f in fields:
        m[f] = json.loads(m[f])
    return m


async def add_provider(session: AsyncSession, values: dict[str, Any]) -> None:
    row = {**values, "categories": json.dumps(values["categories"]), "platforms": json.dumps(values["platforms"])}
    await session.execute(insert(providers).values(**row))


async def get_provider(session: AsyncSession, provider_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(providers).where(providers.c.provider_id == provider_id))).first()
    return _decode(row, "categories", "platforms") if row else None


async def provider_by_uscc(session: AsyncSession, uscc: str) -> str | None:
    return (await session.execute(select(providers.c.provider_id).where(providers.c.uscc == uscc))).scalar()


async def list_providers(session: AsyncSession, status: str | None) -> list[dict[str, Any]]:
    stmt = select(providers).order_by(providers.c.created_at)
    if status:
        stmt = stmt.where(providers.c.status == status)
    return [_decode(r, "categories", "platforms") for r in (await session.execute(stmt)).all()]


async def set_provider_status(session: AsyncSession, provider_id: str, status: str, reason: str, at: datetime) -> None:
    await session.execute(
        update(providers)
        .where(providers.c.provider_id == provider_id)
        .values(status=status, status_reason=reason, status_changed_at=at)
    )


async def add_project(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(
        insert(projects).values(
            **{**values, "planned_solutions": json.dumps(values["planned_solutions"], ensure_ascii=False)}
        )
    )


async def get_project(session: AsyncSession, project_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(projects).where(projects.c.project_id == project_id))).first()
    return _decode(row, "planned_solutions") if row else None


async def move_project(session: AsyncSession, project_id: str, seq: int, stage: str, at: datetime) -> bool:
    """Advance the project; False if another transition landed first (seq changed)."""
    result = await session.execute(
        update(projects)
        .where(projects.c.project_id == project_id, projects.c.seq == seq - 1)
        .values(stage=stage, stage_entered_at=at, seq=seq)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def add_transition(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(
        insert(project_transitions).values(**{**values, "evidence": json.dumps(values["evidence"], ensure_ascii=False)})
    )


async def transitions(session: AsyncSession, project_id: str) -> list[dict[str, Any]]:
    t = project_transitions
    rows = (await session.execute(select(t).where(t.c.project_id == project_id).order_by(t.c.seq))).all()
    return [_decode(r, "evidence") for r in rows]


async def list_projects(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    provider_id: str | None,
    uscc: str | None,
    stage: str | None,
    entered_before: datetime | None,
    limit: int,
) -> list[dict[str, Any]]:
    p = projects
    where: list[ColumnElement[bool]] = []
    if districts is not None:
        where.append(p.c.district_code.in_(districts))
    if provider_id:
        where.append(p.c.provider_id == provider_id)
    if uscc:
        where.append(p.c.uscc == uscc)
    if stage:
        where.append(p.c.stage == stage)
    if entered_before:
        where.append(p.c.stage_entered_at < entered_before)
    stmt = select(p).where(*where).order_by(p.c.stage_entered_at).limit(limit)
    return [_decode(r, "planned_solutions") for r in (await session.execute(stmt)).all()]
