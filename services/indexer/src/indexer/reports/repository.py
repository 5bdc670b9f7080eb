"""The reads the reports need: per pilot sub-industry, the counts of the implementation plan's main data table
(one grouped read over the facts), and the units where each sub-industry's enterprises are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.facts.rules import TRANSFORMED_FROM
from indexer.models import EnterpriseFact
from servicekit.db import table_of


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


async def table_counts(session: AsyncSession, district_code: str | None) -> dict[str, dict[str, int]]:
    """sub-industry → the counts of the main data table (registered enterprises of declared sub-industries)."""
    t = table_of(EnterpriseFact)
    transformed = t.c.stage_seq >= TRANSFORMED_FROM
    specialised = t.c.tier.in_(("specialised", "little_giant"))
    columns = {
        "enterprises": func.count(),
        "above_scale": _count(t.c.above_scale.is_(True)),
        "little_giants": _count(t.c.tier == "little_giant"),
        "specialised": _count(specialised),
        "transformed_above_scale": _count(and_(transformed, t.c.above_scale.is_(True))),
        "transformed_below_scale": _count(and_(transformed, t.c.above_scale.is_not(True))),
        "transformed_little_giants": _count(and_(transformed, t.c.tier == "little_giant")),
        "transformed_specialised": _count(and_(transformed, specialised)),
        "cloud": _count(t.c.cloud.is_(True)),
        "level_4": _count(t.c.level == 4),
        "above_scale_level_2": _count(and_(t.c.above_scale.is_(True), t.c.level >= 2)),
    }
    query = (
        sa_select(t.c.sub_industry, *[c.label(name) for name, c in columns.items()])
        .where(t.c.sub_industry.is_not(None), t.c.version >= 1)
        .group_by(t.c.sub_industry)
    )
    if district_code is not None:
        query = query.where(t.c.district_code == district_code)
    return {r.sub_industry: {k: int(r._mapping[k] or 0) for k in columns} for r in await session.execute(query)}


async def units_of(session: AsyncSession) -> dict[str, list[tuple[str, int]]]:
    """sub-industry → its units by enterprises registered, most first."""
    t = table_of(EnterpriseFact)
    query = (
        sa_select(t.c.sub_industry, t.c.district_code, func.count().label("n"))
        .where(t.c.sub_industry.is_not(None), t.c.version >= 1)
        .group_by(t.c.sub_industry, t.c.district_code)
        .order_by(t.c.sub_industry, func.count().desc(), t.c.district_code)
    )
    out: dict[str, list[tuple[str, int]]] = {}
    for r in await session.execute(query):
        out.setdefault(r.sub_industry, []).append((r.district_code, int(r.n)))
    return out


async def support_facts(session: AsyncSession, district_code: str | None) -> list[dict[str, Any]]:
    """The registered enterprises (of one unit) with what the support list reads, by unit and USCC."""
    t = table_of(EnterpriseFact)
    columns = [t.c.uscc, t.c.district_code, t.c.sub_industry, t.c.demanded, t.c.stage_seq, t.c.level]
    columns += [t.c.above_scale, t.c.tier, t.c.size_class]
    query = sa_select(*columns).where(t.c.version >= 1).order_by(t.c.district_code, t.c.uscc)
    if district_code is not None:
        query = query.where(t.c.district_code == district_code)
    return [dict(r._mapping) for r in await session.execute(query)]
