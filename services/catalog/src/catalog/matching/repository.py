"""Every query matching needs: the catalogue version, the listed solutions with their providers' standing and
verified outcomes (read once per catalogue version), and one enterprise's needs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import CatalogVersion, KnownProvider, Outcome, Solution
from servicekit.db import table_of


async def bump(session: AsyncSession) -> None:
    """Something that moves a ranking changed: every process rebuilds its matching index on its next answer."""
    t = table_of(CatalogVersion)
    await session.execute(update(t).where(t.c.id == 1).values(version=t.c.version + 1))


async def version(session: AsyncSession) -> int:
    t = table_of(CatalogVersion)
    return int((await session.execute(sa_select(t.c.version).where(t.c.id == 1))).scalar_one())


async def listed(session: AsyncSession) -> list[Any]:
    """Listed solutions of approved providers (the columns ranking reads)."""
    s, p = table_of(Solution), table_of(KnownProvider)
    query = (
        sa_select(
            s.c.solution_id,
            s.c.provider_id,
            s.c.name,
            s.c.category,
            s.c.scenes,
            s.c["items"],
            s.c.industries,
            s.c.price_after_discount_fen,
            s.c.discount_pct,
        )
        .join(p, p.c.provider_id == s.c.provider_id)
        .where(s.c.status == "listed", p.c.status == "approved")
        .order_by(s.c.solution_id)
    )
    return list(await session.execute(query))


async def verified_outcomes(session: AsyncSession) -> list[Any]:
    o = table_of(Outcome)
    query = sa_select(o.c.solution_id, o.c.sub_industry, o.c.metric, o.c.improvement_pct, o.c.improved).where(
        o.c.verified_at.is_not(None)
    )
    return list(await session.execute(query))
