"""Every query of the city feed: the last published unit figures and the milestones published."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from indexer.models import FeedMilestone, FeedSnapshot
from servicekit.bulk import insert_rows
from servicekit.db import select_where_in, table_of


async def snapshots(session: AsyncSession, units: Sequence[str]) -> dict[str, dict[str, Any]]:
    t = table_of(FeedSnapshot)
    query = select_where_in(session.get_bind().dialect.name, t, t.c.district_code, list(units))
    return {r.district_code: r.figures for r in await session.execute(query)}


async def put_snapshots(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, FeedSnapshot, rows, conflict=["district_code"], update=["figures", "published_at"])


async def milestones(session: AsyncSession) -> set[str]:
    return set((await session.execute(sa_select(table_of(FeedMilestone).c.key))).scalars())


async def add_milestones(session: AsyncSession, keys: Sequence[str], at: datetime) -> None:
    await insert_rows(session, FeedMilestone, [{"key": k, "published_at": at} for k in keys], conflict=["key"])
