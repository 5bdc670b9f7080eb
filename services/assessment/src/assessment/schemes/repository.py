"""Every query on published scheme versions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from assessment.models import PublishedScheme
from servicekit.db import columns_of, table_of


async def published(session: AsyncSession) -> Sequence[PublishedScheme]:
    return (await session.execute(select(PublishedScheme))).scalars().all()


async def add(session: AsyncSession, row: PublishedScheme) -> None:
    await session.execute(insert(table_of(PublishedScheme)).values(**columns_of(row)))
