"""Every query of the provider push: accepted records, batches, and the quality tallies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from registry.enterprises.repository import dialect
from registry.models import Provider, PushBatch, PushRecord
from registry.push.rules import QualityTallies
from servicekit.bulk import insert_rows
from servicekit.db import columns_of, select_where_in, table_of

CHUNK = 10_000  # keys per lookup: a whole batch in one statement (the keys travel as one parameter)
PUSH_RECORD_FIELDS = ("kind", "version", "content_hash", "entity", "batch_id", "accepted_at", "line_hash")
TALLIES = ("counted", "rejected", "optional_filled", "optional_possible", "timely", "accepted")


class Accepted(NamedTuple):
    """What is remembered of a record a provider pushed before (its last accepted version)."""

    kind: str
    version: int
    content_hash: str
    entity: str
    line_hash: str | None  # the NDJSON line it came in, as a digest (contracts.push.retries)


async def accepted_records(session: AsyncSession, provider_id: str, record_ids: list[str]) -> dict[str, Accepted]:
    """The last accepted version of each record id this provider pushed before (one query per 1,000 ids)."""
    found: dict[str, Accepted] = {}
    t = table_of(PushRecord)
    columns = [t.c.record_id, t.c.kind, t.c.version, t.c.content_hash, t.c.entity, t.c.line_hash]
    for i in range(0, len(record_ids), CHUNK):
        chunk = record_ids[i : i + CHUNK]
        query = select_where_in(
            dialect(session), t, t.c.record_id, chunk, t.c.provider_id == provider_id, columns=columns
        )
        found |= {r[0]: Accepted._make(r[1:]) for r in (await session.execute(query)).all()}
    return found


async def put_records(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Remember the accepted version of each record (new ones inserted, known ones replaced), set-based."""
    await insert_rows(session, PushRecord, rows, conflict=["provider_id", "record_id"], update=PUSH_RECORD_FIELDS)


async def add_batch(session: AsyncSession, row: PushBatch) -> None:
    await session.execute(insert(table_of(PushBatch)).values(**columns_of(row)))


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


async def set_published_quality(session: AsyncSession, provider_id: str, text: str) -> None:
    t = table_of(Provider)
    await session.execute(update(t).where(t.c.provider_id == provider_id).values(published_quality=text))
