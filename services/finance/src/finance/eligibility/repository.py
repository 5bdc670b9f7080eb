"""Every query on the eligibility query log."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import EligibilityQuery


async def of_enterprise(session: AsyncSession, uscc: str, limit: int) -> list[EligibilityQuery]:
    query = (
        select(EligibilityQuery)
        .where(EligibilityQuery.uscc == uscc)
        .order_by(col(EligibilityQuery.asked_at).desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())
