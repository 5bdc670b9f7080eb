"""Every query on complaints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from catalog.models import Complaint
from servicekit.db import columns_of, table_of


async def add(session: AsyncSession, row: Complaint) -> None:
    await session.execute(insert(table_of(Complaint)).values(**columns_of(row)))


async def get(session: AsyncSession, complaint_id: str) -> Complaint | None:
    query = select(Complaint).where(Complaint.complaint_id == complaint_id)
    return (await session.execute(query)).scalar_one_or_none()


async def resolve(
    session: AsyncSession, complaint_id: str, resolution: str, upheld: bool, by: str, at: datetime
) -> None:
    t = table_of(Complaint)
    await session.execute(
        update(t)
        .where(t.c.complaint_id == complaint_id)
        .values(resolution=resolution, upheld=upheld, resolved_by=by, resolved_at=at)
    )


async def find(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    uscc: str | None,
    provider_id: str | None,
    unresolved_only: bool,
    limit: int,
) -> list[Complaint]:
    query = select(Complaint).order_by(col(Complaint.filed_at).desc(), col(Complaint.complaint_id)).limit(limit)
    if districts is not None:
        query = query.where(col(Complaint.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Complaint.uscc == uscc)
    if provider_id is not None:
        query = query.where(Complaint.provider_id == provider_id)
    if unresolved_only:
        query = query.where(col(Complaint.resolved_at).is_(None))
    return list((await session.execute(query)).scalars())
