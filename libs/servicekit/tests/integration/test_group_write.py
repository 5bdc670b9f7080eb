"""Group commit: every caller's row is stored before its write returns, many callers share a batch, and a
batch that cannot be stored fails its callers (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from servicekit.bulk import driver_insert
from servicekit.db import make_engine
from servicekit.groupwrite import GroupWriter, _SQLiteSink
from servicekit.sqlitegate import CHECKPOINT_COMMITS, write_gate
from testkit.databases import DbFactory, create_tables, wal_frames
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


async def test_sqlite_batches_are_stored_on_the_loop_unless_another_connection_holds_the_lock(
    make_db: DbFactory,
) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    writer = GroupWriter(url, entries)
    sink = writer._sink
    assert isinstance(sink, _SQLiteSink)
    other = sqlite3.connect(make_url(url).database or "", isolation_level=None)
    try:
        await writer.write({"id": "free", "n": 1})
        assert sink.inline_batches == 1  # the lock was free: stored without the thread
        other.execute("BEGIN IMMEDIATE")  # another writer holds SQLite's write lock
        waiting = asyncio.create_task(writer.write({"id": "locked", "n": 2}))
        await asyncio.sleep(0.3)  # a bounded look: what is checked is that nothing happens meanwhile
        assert not waiting.done()  # waiting for the lock on the thread; the loop goes on meanwhile
        other.execute("COMMIT")
        await asyncio.wait_for(waiting, timeout=10)
        assert sink.inline_batches == 1 and await stored(url) == 2
    finally:
        other.close()
        await writer.close()


async def test_sqlite_batches_wait_at_the_files_write_gate(make_db: DbFactory) -> None:
    """A write transaction of the service's own engine holds the file's gate: the batch waits for it at the
    gate (not in SQLite's busy handler) and goes in on the loop as soon as it is handed over."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    writer = GroupWriter(url, entries)
    sink = writer._sink
    assert isinstance(sink, _SQLiteSink)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(entries).values(id="engine", n=0))
            gate = write_gate(str(engine.url.database), 30)
            assert gate is not None
            waiting = asyncio.create_task(writer.write({"id": "batch", "n": 1}))

            async def queued() -> bool:
                return gate.waits == 1

            await wait_for(queued, timeout=10, what="the batch queued at the gate")
            assert not waiting.done()
        await asyncio.wait_for(waiting, timeout=10)
        assert sink.inline_batches == 1 and await stored(url) == 2
    finally:
        await writer.close()
        await engine.dispose()


async def test_sqlite_batches_leave_checkpoints_to_the_gate_and_the_wal_starts_over(make_db: DbFactory) -> None:
    """The loop's connection never checkpoints; after CHECKPOINT_COMMITS batches the gate checkpoints (holding
    the gate) and the next batch writes the WAL from its start. The sink once checkpointed beside its own
    writes, never caught up, and the WAL grew by tens of MB a second under load."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    path = make_url(url).database or ""
    writer = GroupWriter(url, entries)

    try:
        for start in range(0, CHECKPOINT_COMMITS * 10, 10):
            await asyncio.gather(*(writer.write({"id": f"c{i}", "n": i}) for i in range(start, start + 10)))
        sink = writer._sink
        assert isinstance(sink, _SQLiteSink) and sink._loop_conn is not None
        assert sink._loop_conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        gate = write_gate(path, 30)
        assert gate is not None and writer.batches >= CHECKPOINT_COMMITS
        await gate.settled()
        assert gate.checkpoints >= 1
        await writer.write({"id": "after", "n": 0})
        assert 0 < wal_frames(path) < 10  # one batch's frames, not a hundred's
        assert await stored(url) == CHECKPOINT_COMMITS * 10 + 1
    finally:
        await writer.close()


async def test_a_batch_is_stored_whole_or_not_at_all(make_db: DbFactory, db_kind: str) -> None:
    """One row of a batch breaking a constraint fails the whole batch: none of its rows is stored."""
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    writer = GroupWriter(url, entries)
    try:
        await writer.write({"id": "taken", "n": 0})
        sql, params = driver_insert(writer._sink.dialect, entries, [{"id": f"b{i}", "n": i} for i in range(5)])
        params.insert(3, params[0])  # the same key twice in one batch
        with pytest.raises(IntegrityError):
            await writer._sink.store(sql, params)
        await writer._sink.store(sql, params[:3])  # the writer goes on
        assert await stored(url) == 1 + 3
    finally:
        await writer.close()
