"""Every indexer query: counters added per batch with one upsert, and the reads behind the statistics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from indexer.models import ActivityTotal, EnterpriseCount, EnterpriseFact, EnterpriseLevel, ProjectStageCount
from indexer.stats.rules import DISTRICT, DIVISION
from servicekit.bulk import insert_rows, upsert_add
from servicekit.db import latest_per_key, table_of, upsert


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def add_counts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        t = table_of(EnterpriseCount)
        await upsert_add(session, t, rows, ["dimension", "code"], "enterprises")


async def all_counts(session: AsyncSession) -> dict[tuple[str, str], int]:
    """Every enterprise counter kept, by (dimension, code), those above zero."""
    t = table_of(EnterpriseCount)
    query = select(t.c.dimension, t.c.code, t.c.enterprises).where(t.c.enterprises != 0)
    return {(d, c): int(n) for d, c, n in (await session.execute(query)).all()}


async def counted_from_facts(session: AsyncSession) -> dict[tuple[str, str], int]:
    """The enterprise counters counted again by the database from the registered facts (two GROUP BYs)."""
    f = table_of(EnterpriseFact)
    out: dict[tuple[str, str], int] = {}
    for dimension, column in ((DISTRICT, f.c.district_code), (DIVISION, f.c.industry_division)):
        query = select(column, func.count()).where(f.c.version >= 1).group_by(column)
        out |= {(dimension, code): int(n) for code, n in (await session.execute(query)).all()}
    return out


async def replace_counts(session: AsyncSession, counted: dict[tuple[str, str], int]) -> None:
    await session.execute(delete(table_of(EnterpriseCount)))
    rows = [{"dimension": d, "code": c, "enterprises": n} for (d, c), n in sorted(counted.items())]
    await insert_rows(session, EnterpriseCount, rows)


async def counts(session: AsyncSession, dimension: str) -> dict[str, int]:
    query = select(EnterpriseCount.code, EnterpriseCount.enterprises).where(EnterpriseCount.dimension == dimension)
    return {code: int(n) for code, n in (await session.execute(query)).all()}


async def add_activity(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        t = table_of(ActivityTotal)
        await upsert_add(session, t, rows, ["year", "district_code", "metric"], "value")


async def add_stages(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        t = table_of(ProjectStageCount)
        await upsert_add(session, t, rows, ["district_code", "stage"], "projects")


async def activity_rows(session: AsyncSession, year: int) -> list[tuple[str, str, int]]:
    a = ActivityTotal
    query = select(a.district_code, a.metric, a.value).where(a.year == year)
    return [(d, m, int(v)) for d, m, v in (await session.execute(query)).all()]


async def stage_rows(session: AsyncSession) -> dict[tuple[str, str], int]:
    p = ProjectStageCount
    query = select(p.district_code, p.stage, p.projects)
    return {(d, s): int(n) for d, s, n in (await session.execute(query)).all()}


async def put_levels(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Each enterprise's latest final level: a later finalisation replaces it, a replayed older one does not."""
    if rows:
        latest = latest_per_key(rows, ["uscc"], "finalised_at")
        columns = ["district_code", "level", "assessment_id", "finalised_at"]
        await session.execute(
            upsert(_dialect(session), EnterpriseLevel, ["uscc"], columns, newer="finalised_at"), latest
        )


async def level_counts(session: AsyncSession) -> list[tuple[str, int, int]]:
    """(district, level, enterprises) for every combination that occurs."""
    t = EnterpriseLevel
    query = select(t.district_code, t.level, func.count()).group_by(col(t.district_code), col(t.level))
    return [(d, int(level), int(n)) for d, level, n in (await session.execute(query)).all()]
