"""Every query matching needs: the catalogue version, the listed solutions with their providers' standing and
verified outcomes (read once per catalogue version), and one enterprise's needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import (
    CatalogVersion,
    Demand,
    EnterpriseProfile,
    KnownProvider,
    LatestAssessment,
    Outcome,
    Solution,
)
from servicekit.db import table_of


async def bump(session: AsyncSession) -> None:
    """Something that moves a ranking changed: every process rebuilds its matching index on its next answer."""
    t = table_of(CatalogVersion)
    await session.execute(update(t).where(t.c.id == 1).values(version=t.c.version + 1))


@dataclass(frozen=True)
class Situation:
    """One enterprise as matching sees it, read in one statement: the catalogue version, its profile, its latest
    assessment (if any) and the largest budget among its open demands."""

    version: int
    district_code: str
    industry_code: str
    sub_industry: str | None
    assessment_id: str | None
    scene_levels: dict[str, int]
    weak_scenes: list[str]
    weak_items: list[str]
    budget_fen: int | None


def _situation_statement() -> Any:
    """Built once with a bound parameter: SQLAlchemy then neither rebuilds nor re-keys it per answer."""
    p, a, d, v = (table_of(m) for m in (EnterpriseProfile, LatestAssessment, Demand, CatalogVersion))
    uscc: Any = bindparam("uscc")
    budget = sa_select(func.max(d.c.budget_fen)).where(d.c.uscc == uscc, d.c.status == "open").scalar_subquery()
    version_now = sa_select(v.c.version).where(v.c.id == 1).scalar_subquery()
    return (
        sa_select(
            version_now.label("version"),
            p.c.district_code,
            p.c.industry_code,
            p.c.sub_industry,
            a.c.assessment_id,
            a.c.scene_levels,
            a.c.weak_scenes,
            a.c.weak_items,
            budget.label("budget_fen"),
        )
        .select_from(p.outerjoin(a, a.c.uscc == p.c.uscc))
        .where(p.c.uscc == uscc)
    )


SITUATION = _situation_statement()


def situation_of(row: dict[str, Any]) -> Situation:
    """The situation in a row of SITUATION (as servicekit.pointread returns it)."""
    return Situation(
        version=int(row["version"]),
        district_code=row["district_code"],
        industry_code=row["industry_code"],
        sub_industry=row["sub_industry"],
        assessment_id=row["assessment_id"],
        scene_levels=row["scene_levels"] or {},
        weak_scenes=row["weak_scenes"] or [],
        weak_items=row["weak_items"] or [],
        budget_fen=None if row["budget_fen"] is None else int(row["budget_fen"]),
    )


def _open_needs() -> Any:
    """The scenes and items of one enterprise's open demands, newest first."""
    d = table_of(Demand)
    where = (d.c.uscc == bindparam("uscc"), d.c.status == literal("open"))
    return sa_select(d.c.scenes, d.c["items"]).where(*where).order_by(d.c.updated_at.desc())


OPEN_NEEDS = _open_needs()


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
