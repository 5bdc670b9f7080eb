"""The search query over listed solutions: index terms, filters and a cursor, one statement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import KnownProvider, Solution, SolutionScene, SolutionTerm
from servicekit.db import table_of


@dataclass(frozen=True)
class SearchFilter:
    all_terms: list[str]  # the query's terms: a solution holds every one
    segments: list[str]  # and its text contains each of these
    any_industry: list[str]  # it holds at least one of these industry terms (empty: no filter)
    delivery_term: str | None
    scene: str | None
    category: str | None
    max_price_fen: int | None
    min_discount_centi: int | None
    after: str | None
    limit: int


def _like(segment: str) -> str:
    return "%" + segment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def search(session: AsyncSession, f: SearchFilter) -> list[Solution]:
    """Listed solutions of approved providers that pass every filter, by solution id after the cursor."""
    s, p, t, sc = table_of(Solution), table_of(KnownProvider), table_of(SolutionTerm), table_of(SolutionScene)
    query = (
        sa_select(Solution)
        .join(p, p.c.provider_id == s.c.provider_id)
        .where(s.c.status == "listed", p.c.status == "approved")
        .order_by(s.c.solution_id)
        .limit(f.limit)
    )
    if f.all_terms:
        holding = (
            sa_select(t.c.solution_id)
            .where(t.c.term.in_(f.all_terms))
            .group_by(t.c.solution_id)
            .having(func.count(distinct(t.c.term)) == len(f.all_terms))
        )
        query = query.where(s.c.solution_id.in_(holding))
    for segment in f.segments:
        query = query.where(s.c.search_text.like(_like(segment), escape="\\"))
    if f.any_industry:
        query = query.where(s.c.solution_id.in_(sa_select(t.c.solution_id).where(t.c.term.in_(f.any_industry))))
    if f.delivery_term:
        query = query.where(s.c.solution_id.in_(sa_select(t.c.solution_id).where(t.c.term == f.delivery_term)))
    if f.scene:
        query = query.where(s.c.solution_id.in_(sa_select(sc.c.solution_id).where(sc.c.scene == f.scene)))
    if f.category:
        query = query.where(s.c.category == f.category)
    if f.max_price_fen is not None:
        query = query.where(s.c.price_after_discount_fen <= f.max_price_fen)
    if f.min_discount_centi is not None:
        query = query.where(s.c.discount_centi >= f.min_discount_centi)
    if f.after:
        query = query.where(s.c.solution_id > f.after)
    return list((await session.execute(query)).scalars())
