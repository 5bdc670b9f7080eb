"""The reads target progress needs beyond the aggregates: activity totals over a span of years."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import ActivityTotal
from servicekit.db import table_of


async def activity_sum(session: AsyncSession, metric: str, first_year: int, last_year: int) -> int:
    t = table_of(ActivityTotal)
    query = sa_select(func.coalesce(func.sum(t.c.value), 0)).where(
        t.c.metric == metric, t.c.year >= first_year, t.c.year <= last_year
    )
    return int((await session.execute(query)).scalar_one())
