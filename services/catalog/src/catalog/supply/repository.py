"""The supply-demand view's reads: open demand per scene, listed and proven supply per scene (grouped reads)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import DemandScene, KnownProvider, Outcome, Solution, SolutionScene, SolutionTerm
from servicekit.db import table_of


@dataclass(frozen=True)
class SceneDemand:
    enterprises: int
    budget_fen: int
    districts: int


async def demand(
    session: AsyncSession, *, sub_industry: str | None, division: str | None, district: str | None
) -> dict[str, SceneDemand]:
    d = table_of(DemandScene)
    query = sa_select(
        d.c.scene,
        func.count(distinct(d.c.uscc)),
        func.coalesce(func.sum(d.c.budget_share_fen), 0),
        func.count(distinct(d.c.district_code)),
    ).group_by(d.c.scene)
    if sub_industry is not None:
        query = query.where(d.c.sub_industry == sub_industry)
    if division is not None:
        query = query.where(d.c.industry_division == division)
    if district is not None:
        query = query.where(d.c.district_code == district)
    return {r[0]: SceneDemand(int(r[1]), int(r[2]), int(r[3])) for r in await session.execute(query)}


async def supply(
    session: AsyncSession, industry_terms: list[str], sub_industry: str | None
) -> dict[str, tuple[int, int]]:
    """Per scene: listed solutions of approved providers fitting the industry, and of those how many have a
    verified improving outcome (in the sub-industry, when the view is for one)."""
    s, p, sc, t, o = (table_of(m) for m in (Solution, KnownProvider, SolutionScene, SolutionTerm, Outcome))
    proven = sa_select(o.c.solution_id).where(o.c.verified_at.is_not(None), o.c.improved.is_(True))
    if sub_industry is not None:
        proven = proven.where(o.c.sub_industry == sub_industry)
    query = (
        sa_select(
            sc.c.scene,
            func.count(distinct(s.c.solution_id)),
            func.count(distinct(s.c.solution_id)).filter(s.c.solution_id.in_(proven)),
        )
        .join(s, s.c.solution_id == sc.c.solution_id)
        .join(p, p.c.provider_id == s.c.provider_id)
        .where(
            s.c.status == "listed",
            p.c.status == "approved",
            s.c.solution_id.in_(sa_select(t.c.solution_id).where(t.c.term.in_(industry_terms))),
        )
        .group_by(sc.c.scene)
    )
    return {r[0]: (int(r[1]), int(r[2])) for r in await session.execute(query)}
