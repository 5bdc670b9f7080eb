"""Every registry query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import enterprises


async def get_enterprise(session: AsyncSession, uscc: str) -> dict[str, Any] | None:
    row = (await session.execute(select(enterprises).where(enterprises.c.uscc == uscc))).mappings().first()
    return dict(row) if row else None


async def add_enterprise(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(enterprises).values(**values))
