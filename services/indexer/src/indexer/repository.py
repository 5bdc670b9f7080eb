"""Every indexer query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import enterprise_counts
from servicekit.db import upsert_add


async def add_counts(session: AsyncSession, dialect: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(upsert_add(dialect, enterprise_counts, rows, ["dimension", "code"], "enterprises"))


async def counts(session: AsyncSession, dimension: str) -> dict[str, int]:
    t = enterprise_counts
    result = await session.execute(select(t.c.code, t.c.enterprises).where(t.c.dimension == dimension))
    return {code: int(n) for code, n in result.all()}
