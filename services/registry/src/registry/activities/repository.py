"""Every query on programme activity records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.models import Activity
from servicekit.db import columns_of, table_of


async def by_external_ref(session: AsyncSession, organiser: str, external_ref: str) -> Activity | None:
    query = select(Activity).where(Activity.organiser == organiser, Activity.external_ref == external_ref)
    return (await session.execute(query)).scalar_one_or_none()


async def add_activity(session: AsyncSession, row: Activity) -> None:
    await session.execute(insert(table_of(Activity)).values(**columns_of(row)))


async def list_activities(
    session: AsyncSession, districts: list[str] | None, year: int | None, kind: str | None, limit: int
) -> Sequence[Activity]:
    query = select(Activity).order_by(col(Activity.held_on).desc()).limit(limit)
    if districts is not None:
        query = query.where(col(Activity.district_code).in_(districts))
    if year:
        query = query.where(col(Activity.held_on) >= date(year, 1, 1), col(Activity.held_on) <= date(year, 12, 31))
    if kind:
        query = query.where(Activity.kind == kind)
    return (await session.execute(query)).scalars().all()
