"""The facts the pilot rule reads: the registered enterprises of one pilot sub-industry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import EnterpriseFact
from servicekit.db import table_of


async def of_sub_industry(session: AsyncSession, sub_industry: str, district_code: str | None) -> list[dict[str, Any]]:
    t = table_of(EnterpriseFact)
    query = sa_select(t.c.uscc, t.c.district_code, t.c.tier, t.c.above_scale, t.c.level).where(
        t.c.sub_industry == sub_industry, t.c.version >= 1
    )
    if district_code is not None:
        query = query.where(t.c.district_code == district_code)
    return [dict(r._mapping) for r in await session.execute(query)]
