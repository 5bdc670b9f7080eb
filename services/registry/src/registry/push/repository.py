"""Every query of the provider push: accepted records, batches, and the quality tallies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.enterprises.repository import dialect
from registry.models import PushBatch, PushRecord
from registry.push.rules import QualityTallies
from servicekit.db import columns_of, select_where_in, table_of

CHUNK = 1000
TALLIES = ("counted", "rejected", "optional_filled", "optional_possible", "timely", "accepted")


async def accepted_records(session: AsyncSession, provider_id: str, record_ids: list[str]) -> dict[str, PushRecord]:
    """The stored row of each record id this provider pushed before."""
    found: dict[str, PushRecord] = {}
    for i in range(0, len(record_ids), CHUNK):
        chunk = record_ids[i : i + CHUNK]
        query = select_where_in(
            dialect(session), PushRecord, col(PushRecord.record_id), chunk, col(PushRecord.provider_id) == provider_id
        )
        found |= {r.record_id: r for r in (await session.execute(query)).scalars()}
    return found


async def add_records(session: AsyncSession, rows: Sequence[PushRecord]) -> None:
    for i in range(0, len(rows), CHUNK):
        await session.execute(insert(PushRecord), [columns_of(r) for r in rows[i : i + CHUNK]])


async def update_record(session: AsyncSession, row: PushRecord) -> None:
    await session.execute(
        update(PushRecord)
        .where(col(PushRecord.provider_id) == row.provider_id, col(PushRecord.record_id) == row.record_id)
        .values(**columns_of(row))
    )


async def add_batch(session: AsyncSession, row: PushBatch) -> None:
    await session.execute(insert(PushBatch).values(**columns_of(row)))


async def get_batch(session: AsyncSession, batch_id: str) -> PushBatch | None:
    return (await session.execute(select(PushBatch).where(PushBatch.batch_id == batch_id))).scalar_one_or_none()


async def list_batches(session: AsyncSession, provider_id: str | None, limit: int) -> Sequence[PushBatch]:
    query = select(PushBatch).order_by(col(PushBatch.received_at).desc()).limit(limit)
    if provider_id is not None:
        query = query.where(PushBatch.provider_id == provider_id)
    return (await session.execute(query)).scalars().all()


async def quality_tallies(session: AsyncSession, since: datetime, provider_id: str | None) -> list[QualityTallies]:
    """Per provider: batches, the summed tallies, and the last push, over batches received since `since`."""
    t = table_of(PushBatch)
    query = (
        select(
            t.c.provider_id,
            func.count().label("batches"),
            func.max(t.c.received_at).label("last_push_at"),
            *[func.coalesce(func.sum(t.c[c]), 0).label(c) for c in TALLIES],
        )
        .where(t.c.received_at >= since)
        .group_by(t.c.provider_id)
        .order_by(t.c.provider_id)
    )
    if provider_id is not None:
        query = query.where(t.c.provider_id == provider_id)
    return [
        QualityTallies(
            provider_id=r.provider_id,
            batches=int(r.batches),
            last_push_at=r.last_push_at,
            **{c: int(r._mapping[c]) for c in TALLIES},
        )
        for r in await session.execute(query)
    ]
