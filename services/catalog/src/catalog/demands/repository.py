"""Every query on demands, on the enterprises' profiles and latest assessments they are derived from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from catalog.models import Demand, DemandScene, EnterpriseProfile, LatestAssessment
from servicekit.bulk import insert_rows
from servicekit.db import columns_of, select_where_in, table_of

ASSESSMENT_COLUMNS = [c for c in LatestAssessment.model_fields if c != "uscc"]
DERIVED_COLUMNS = ["district_code", "sub_industry", "industry_code", "assessment_id", "assessed_at", "scenes"]
DERIVED_COLUMNS += ["items", "status", "updated_at"]


async def profiles(session: AsyncSession, usccs: Sequence[str]) -> dict[str, EnterpriseProfile]:
    dialect = session.get_bind().dialect.name
    query = select_where_in(dialect, EnterpriseProfile, table_of(EnterpriseProfile).c.uscc, list(usccs))
    return {r.uscc: r for r in (await session.execute(query)).scalars()}


async def profile(session: AsyncSession, uscc: str) -> EnterpriseProfile | None:
    query = select(EnterpriseProfile).where(EnterpriseProfile.uscc == uscc)
    return (await session.execute(query)).scalar_one_or_none()


async def assessed_at(session: AsyncSession, usccs: Sequence[str]) -> dict[str, datetime]:
    """When each enterprise's stored latest assessment was finalised."""
    t = table_of(LatestAssessment)
    dialect = session.get_bind().dialect.name
    query = select_where_in(dialect, t, t.c.uscc, list(usccs), columns=[t.c.uscc, t.c.finalised_at])
    return {r.uscc: r.finalised_at for r in await session.execute(query)}


async def put_latest_assessments(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, LatestAssessment, rows, conflict=["uscc"], update=ASSESSMENT_COLUMNS)


async def latest_assessment(session: AsyncSession, uscc: str) -> LatestAssessment | None:
    query = select(LatestAssessment).where(LatestAssessment.uscc == uscc)
    return (await session.execute(query)).scalar_one_or_none()


async def put_derived(
    session: AsyncSession, demands: Sequence[dict[str, Any]], scenes: Sequence[dict[str, Any]]
) -> None:
    """Derived demands (one per enterprise, reopened with the newer assessment) and their scene rows."""
    await insert_rows(session, Demand, demands, conflict=["demand_id"], update=DERIVED_COLUMNS)
    await replace_scenes(session, [d["demand_id"] for d in demands], scenes)


async def replace_scenes(session: AsyncSession, demand_ids: Sequence[str], scenes: Sequence[dict[str, Any]]) -> None:
    t = table_of(DemandScene)
    if demand_ids:
        await session.execute(delete(t).where(t.c.demand_id.in_(list(demand_ids))))
    await insert_rows(session, DemandScene, scenes)


async def add(session: AsyncSession, row: Demand, scenes: Sequence[dict[str, Any]]) -> None:
    await session.execute(insert(table_of(Demand)).values(**columns_of(row)))
    await insert_rows(session, DemandScene, scenes)


async def get(session: AsyncSession, demand_id: str) -> Demand | None:
    return (await session.execute(select(Demand).where(Demand.demand_id == demand_id))).scalar_one_or_none()


async def close(session: AsyncSession, demand_id: str, reason: str, at: datetime) -> None:
    t = table_of(Demand)
    await session.execute(
        update(t).where(t.c.demand_id == demand_id).values(status="closed", closed_reason=reason, updated_at=at)
    )
    await replace_scenes(session, [demand_id], [])


async def find(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    uscc: str | None,
    status: str | None,
    limit: int,
) -> list[Demand]:
    query = select(Demand).order_by(col(Demand.updated_at).desc(), col(Demand.demand_id)).limit(limit)
    if districts is not None:
        query = query.where(col(Demand.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Demand.uscc == uscc)
    if status is not None:
        query = query.where(Demand.status == status)
    return list((await session.execute(query)).scalars())


async def open_of(session: AsyncSession, uscc: str) -> list[Demand]:
    query = select(Demand).where(Demand.uscc == uscc, Demand.status == "open").order_by(col(Demand.updated_at).desc())
    return list((await session.execute(query)).scalars())
