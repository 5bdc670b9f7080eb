"""Every query of the development index: the units' totals (from the aggregate cells) and published periods."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.facts.rules import METRICS, TRANSFORMED_FROM
from indexer.models import AggregateCell, EnterpriseFact, PublishedIndex
from servicekit.db import columns_of, table_of


async def unit_totals(session: AsyncSession) -> dict[str, dict[str, int]]:
    t = table_of(AggregateCell)
    query = sa_select(t.c.district_code, *[func.sum(t.c[m]).label(m) for m in METRICS]).group_by(t.c.district_code)
    return {r.district_code: {m: int(r._mapping[m] or 0) for m in METRICS} for r in await session.execute(query)}


async def published(session: AsyncSession, period: str) -> PublishedIndex | None:
    query = sa_select(PublishedIndex).where(table_of(PublishedIndex).c.period == period)
    return (await session.execute(query)).scalar_one_or_none()


async def publish(session: AsyncSession, row: PublishedIndex) -> None:
    await session.execute(insert(table_of(PublishedIndex)).values(**columns_of(row)))


def _condition(metric: str) -> Any:
    t = table_of(EnterpriseFact)
    return {
        "enterprises": t.c.version >= 1,
        "assessed": t.c.level.is_not(None),
        "level_2_plus": t.c.level >= 2,
        "level_sum": t.c.level.is_not(None),
        "transformed": t.c.stage_seq >= TRANSFORMED_FROM,
        "cloud": t.c.cloud.is_(True),
        "adopted": t.c.adopted.is_(True),
        "with_loans": t.c.loans > 0,
        "with_subsidies": t.c.subsidies > 0,
    }[metric]


async def members(
    session: AsyncSession, district_code: str, numerator: str, denominator: str, limit: int, offset: int
) -> tuple[int, list[tuple[str, int | None, bool]]]:
    """The unit's enterprises in an indicator's base, those in its numerator first: (total, page)."""
    t = table_of(EnterpriseFact)
    where = [t.c.district_code == district_code, t.c.version >= 1, _condition(denominator)]
    counted = case((_condition(numerator), True), else_=False)
    total = (await session.execute(sa_select(func.count()).where(*where))).scalar_one()
    query = (
        sa_select(t.c.uscc, t.c.level, counted.label("counted"))
        .where(*where)
        .order_by(counted.desc(), t.c.uscc)
        .limit(limit)
        .offset(offset)
    )
    return int(total), [(r.uscc, r.level, bool(r.counted)) for r in await session.execute(query)]
