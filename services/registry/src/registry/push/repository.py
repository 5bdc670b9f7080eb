"""Queries of the provider push: accepted records, batches, and the quality tallies."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from registry.enterprises.repository import dialect
from registry.models import push_batches, push_records
from servicekit.db import select_where_in

CHUNK = 1000


async def accepted_records(session: AsyncSession, provider_id: str, record_ids: list[str]) -> dict[str, Any]:
    """The stored row of each record id this provider pushed before."""
    found: dict[str, Any] = {}
    t = push_records
    for i in range(0, len(record_ids), CHUNK):
        chunk = record_ids[i : i + CHUNK]
        query = select_where_in(dialect(session), t, t.c.record_id, chunk, t.c.provider_id == provider_id)
        rows = await session.execute(query)
        found |= {r.record_id: r for r in rows}
    return found


async def add_records(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), CHUNK):
        await session.execute(insert(push_records), rows[i : i + CHUNK])


async def update_record(session: AsyncSession, values: dict[str, Any]) -> None:
    t = push_records
    await session.execute(
        update(t).where(t.c.provider_id == values["provider_id"], t.c.record_id == values["record_id"]).values(**values)
    )


async def add_batch(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(
        insert(push_batches).values(**{**values, "rejected_results": json.dumps(values["rejected_results"])})
    )


def _batch(row: Any) -> dict[str, Any]:
    return {**row._asdict(), "rejected_results": json.loads(row.rejected_results)}


async def get_batch(session: AsyncSession, batch_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(push_batches).where(push_batches.c.batch_id == batch_id))).first()
    return _batch(row) if row else None


async def list_batches(session: AsyncSession, provider_id: str | None, limit: int) -> list[dict[str, Any]]:
    t = push_batches
    query = select(t).order_by(t.c.received_at.desc()).limit(limit)
    if provider_id is not None:
        query = query.where(t.c.provider_id == provider_id)
    return [_batch(r) for r in await session.execute(query)]


TALLIES = ("counted", "rejected", "optional_filled", "optional_possible", "timely", "accepted")


async def quality_tallies(session: AsyncSession, since: datetime, provider_id: str | None) -> list[dict[str, Any]]:
    """Per provider: batches, the summed tallies, and the last push, over batches received since `since`."""
    t = push_batches
    query = (
        select(
            t.c.provider_id,
            func.count().label("batches"),
            func.max(t.c.received_at).label("last_push_at"),
            *[func.sum(t.c[c]).label(c) for c in TALLIES],
        )
        .where(t.c.received_at >= since)
        .group_by(t.c.provider_id)
        .order_by(t.c.provider_id)
    )
    if provider_id is not None:
        query = query.where(t.c.provider_id == provider_id)
    return [r._asdict() for r in await session.execute(query)]
