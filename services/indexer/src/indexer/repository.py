"""Every indexer query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import activity_totals, enterprise_counts, project_stage_counts
from servicekit.db import upsert_add


async def add_counts(session: AsyncSession, dialect: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(upsert_add(dialect, enterprise_counts, rows, ["dimension", "code"], "enterprises"))


async def counts(session: AsyncSession, dimension: str) -> dict[str, int]:
    t = enterprise_counts
    result = await session.execute(select(t.c.code, t.c.enterprises).where(t.c.dimension == dimension))
    return {code: int(n) for code, n in result.all()}


async def add_activity(session: AsyncSession, dialect: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(upsert_add(dialect, activity_totals, rows, ["year", "district_code", "metric"], "value"))


async def add_stages(session: AsyncSession, dialect: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(upsert_add(dialect, project_stage_counts, rows, ["district_code", "stage"], "projects"))


async def activity_rows(session: AsyncSession, year: int) -> list[tuple[str, str, int]]:
    a = activity_totals
    result = await session.execute(select(a.c.district_code, a.c.metric, a.c.value).where(a.c.year == year))
    return [(d, m, int(v)) for d, m, v in result.all()]


async def stage_rows(session: AsyncSession) -> dict[tuple[str, str], int]:
    p = project_stage_counts
    return {
        (d, s): int(n) for d, s, n in (await session.execute(select(p.c.district_code, p.c.stage, p.c.projects))).all()
    }
