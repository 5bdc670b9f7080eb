"""Every query of the development index: the units' totals (from the aggregate cells) and published periods."""

from __future__ import annotations

from sqlalchemy import func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.facts.rules import METRICS
from indexer.models import AggregateCell, PublishedIndex
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
