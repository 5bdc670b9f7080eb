"""The facts the pilot rule reads: per group, how many registered enterprises of a pilot sub-industry there are
and how many are at 二级 or above (one grouped read); and, for the API, the ones still below."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import EnterpriseFact
from servicekit.db import table_of

SPECIALISED = ("specialised", "little_giant")


def _where(sub_industry: str, district_code: str | None) -> list[Any]:
    t = table_of(EnterpriseFact)
    where = [t.c.sub_industry == sub_industry, t.c.version >= 1]
    return [*where, t.c.district_code == district_code] if district_code is not None else where


async def group_counts(
    session: AsyncSession, sub_industry: str, district_code: str | None
) -> dict[str, tuple[int, int]]:
    """group → (enterprises, at 二级 or above)."""
    t = table_of(EnterpriseFact)
    good = t.c.level >= 2
    members = {
        "above_scale": t.c.above_scale.is_(True),
        "specialised": t.c.tier.in_(SPECIALISED),
        "little_giant": t.c.tier == "little_giant",
    }
    columns = []
    for group, member in members.items():
        columns.append(func.sum(case((member, 1), else_=0)).label(f"{group}_n"))
        columns.append(func.sum(case((and_(member, good), 1), else_=0)).label(f"{group}_good"))
    row = (await session.execute(sa_select(*columns).where(*_where(sub_industry, district_code)))).one()
    return {g: (int(row._mapping[f"{g}_n"] or 0), int(row._mapping[f"{g}_good"] or 0)) for g in members}


async def below(session: AsyncSession, sub_industry: str, district_code: str | None) -> list[dict[str, Any]]:
    """The enterprises of the rule's groups not yet at 二级 (not assessed, or under)."""
    t = table_of(EnterpriseFact)
    in_a_group = or_(t.c.above_scale.is_(True), t.c.tier.in_(SPECIALISED))
    not_yet = or_(t.c.level.is_(None), t.c.level < 2)
    query = sa_select(t.c.uscc, t.c.district_code, t.c.tier, t.c.above_scale, t.c.level).where(
        *_where(sub_industry, district_code), in_a_group, not_yet
    )
    return [dict(r._mapping) for r in await session.execute(query.order_by(t.c.district_code, t.c.uscc))]
