"""Group commit: every caller's row is stored before its write returns, many callers share a batch, and a
batch that cannot be stored fails its callers (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select
from sqlalchemy.exc import IntegrityError

from servicekit.db import make_engine
from servicekit.groupwrite import GroupWriter
from testkit.databases import DbFactory, create_tables
from testkit.waits import wait_for

metadata = MetaData()
entries = Table("entries", metadata, Column("id", String(10), primary_key=True), Column("n", Integer))


async def stored(url: str) -> int:
    engine = make_engine(url)
    async with engine.connect() as conn:
        count = int(await conn.scalar(select(func.count()).select_from(entries)) or 0)
    await engine.dispose()
    return count


async def test_concurrent_writes_are_stored_in_few_batches(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    writer = GroupWriter(url, entries)
    try:
        await asyncio.gather(*(writer.write({"id": f"e{i}", "n": i}) for i in range(500)))
        assert await stored(url) == 500  # every write returned after its row was stored
        assert 1 <= writer.batches < 100
    finally:
        await writer.close()


async def test_a_batch_that_fails_fails_its_callers_and_the_writer_goes_on(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    writer = GroupWriter(url, entries)
    try:
        await writer.write({"id": "same", "n": 1})
        with pytest.raises(IntegrityError):
            await writer.write({"id": "same", "n": 2})
        await writer.write({"id": "next", "n": 3})
        assert await stored(url) == 2
    finally:
        await writer.close()


async def test_close_stores_what_is_queued(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    writer = GroupWriter(url, entries)
    pending = [asyncio.create_task(writer.write({"id": f"q{i}", "n": i})) for i in range(50)]

    async def handed_over() -> bool:
        return writer.pending + await stored(url) == 50

    await wait_for(handed_over, timeout=10, what="all 50 rows handed to the writer")
    await writer.close()
    await asyncio.gather(*pending)
    assert await stored(url) == 50
