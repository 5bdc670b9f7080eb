"""SQLite statements that cannot wait for a lock run on the event loop's thread, the rest on the connection's
own: a read never waits; a write transaction holds its file's gate, so its statements and its commit run
inline, a second writer of the process waits at the gate without blocking the loop, and one of another
process is waited for on the thread; large batches and heavy reads go to the thread; commits never
checkpoint, the gate does on a thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import pytest
from fastapi import Depends, FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select
from sqlalchemy.exc import IntegrityError

from servicekit import sqlite as inline_sqlite
from servicekit.db import make_engine
from servicekit.sqlitegate import CHECKPOINT_COMMITS, WriteGate, write_gate
from testkit.databases import DbFactory, create_tables, wal_frames
from testkit.waits import wait_for

metadata = MetaData()
rows = Table("rows", metadata, Column("id", String(10), primary_key=True), Column("n", Integer))


def record_threads(engine: Any, words: tuple[str, ...] = ("SELECT", "INSERT")) -> list[tuple[str, str]]:
    """(statement's first word, thread name) of every statement of `words` the engine's connections run, noted
    by SQLite itself on the thread that runs it."""
    seen: list[tuple[str, str]] = []

    def note(statement: str) -> None:
        word = statement.split()[0].upper()
        if word in words:
            seen.append((word, threading.current_thread().name))

    @event.listens_for(engine.sync_engine, "connect")
    def _trace(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.driver_connection._conn.set_trace_callback(note)

    return seen


async def test_reads_and_short_writes_run_inline_heavy_reads_and_large_batches_on_the_thread(
    make_db: DbFactory,
) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    noted = record_threads(engine, ("SELECT", "INSERT", "COMMIT"))
    main = threading.current_thread().name
    many = [{"id": f"m{i}", "n": i} for i in range(inline_sqlite.INLINE_MANY + 1)]
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="a", n=1))
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 1
        with inline_sqlite.heavy_reads():
            async with engine.connect() as conn:
                assert await conn.scalar(select(rows.c.n).where(rows.c.id == "a")) == 1
        async with engine.begin() as conn:
            await conn.execute(insert(rows), many)  # a large first write: on the thread
    finally:
        await engine.dispose()
    seen = [(word, thread) for word, thread in noted if word != "COMMIT"]
    commits = [(word, thread) for word, thread in noted if word == "COMMIT"]
    assert seen[0] == ("INSERT", main)  # the gate held: nothing of this process can make it wait
    assert seen[1] == ("SELECT", main)
    assert seen[2][0] == "SELECT" and seen[2][1] != main  # marked heavy: on the connection's thread
    assert {thread != main for word, thread in seen[3:]} == {True} and len(seen[3:]) == len(many)
    # a short transaction commits on the loop; one that wrote in bulk (megabytes into the WAL) on the thread
    assert [thread == main for _, thread in commits] == [True, False]


async def test_inside_a_write_transaction_statements_and_the_commit_run_inline(make_db: DbFactory) -> None:
    """Once the gate and the write lock are held nothing can wait: reads and small writes run inline and see
    the transaction's own writes, the commit too (it never checkpoints); a large executemany stays on the
    thread."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    commits: list[str] = []
    main = threading.current_thread().name
    many = [{"id": f"m{i}", "n": i} for i in range(inline_sqlite.INLINE_MANY + 1)]

    @event.listens_for(engine.sync_engine, "commit")
    def _commit(_conn: Any) -> None:
        real = _conn.connection.driver_connection._conn
        commits.append(str(real.execute("PRAGMA wal_autocheckpoint").fetchone()[0]))

    try:
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="a", n=1))
            assert await conn.scalar(select(func.count()).select_from(rows)) == 1
            await conn.execute(insert(rows).values(id="b", n=2))
            await conn.execute(insert(rows), many)
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 2 + len(many)
    finally:
        await engine.dispose()
    threads = [(word, thread == main) for word, thread in seen]
    assert threads[:3] == [("INSERT", True), ("SELECT", True), ("INSERT", True)]
    assert threads[3:-1] == [("INSERT", False)] * len(many)  # SQLite notes each row of an executemany
    assert threads[-1] == ("SELECT", True)
    assert commits == ["0"]  # the connection's commits never checkpoint


async def test_a_second_writer_waits_at_the_gate_without_blocking_readers(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    first_holds_lock, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="first", n=1))
            first_holds_lock.set()
            await release.wait()  # holds the write transaction across an await

    async def second() -> None:
        await first_holds_lock.wait()
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="second", n=2))

    try:
        writers = [asyncio.create_task(first()), asyncio.create_task(second())]
        await first_holds_lock.wait()
        gate = write_gate(str(engine.url.database), 30)
        assert gate is not None

        async def second_waits() -> bool:
            return gate.waits == 1

        await wait_for(second_waits, timeout=10, what="the second writer at the gate")
        assert not writers[1].done()
        assert [word for word, _ in seen] == ["INSERT"]  # the second INSERT has not reached SQLite
        async with engine.connect() as conn:  # the loop still serves: a read answers from the last commit
            assert await conn.scalar(select(func.count()).select_from(rows)) == 0
        release.set()
        await asyncio.wait_for(asyncio.gather(*writers), timeout=10)
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 2
    finally:
        await engine.dispose()


async def test_many_concurrent_writers_and_a_failed_one_all_pass_the_gate(make_db: DbFactory) -> None:
    """Forty transactions at once, each writing across awaits, one failing on a duplicate key and rolled
    back: every other one commits, and the failure lets go of the gate."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)

    all_connected = asyncio.Barrier(40)
    first: list[int] = []
    gate = write_gate(str(engine.url.database), 30)
    assert gate is not None

    async def all_others_queued() -> bool:
        return gate.waits >= 39

    async def writer(k: int) -> None:
        async with engine.connect() as conn, conn.begin():
            await all_connected.wait()  # every transaction starts at once
            for i in range(5):
                await conn.execute(insert(rows).values(id=f"w{k}-{i}", n=i))
                if not first:  # the first in holds its transaction until the 39 others wait at the gate
                    first.append(k)
                    await wait_for(all_others_queued, timeout=10, what="39 writers queued at the gate")
            if k == 7:
                await conn.execute(insert(rows).values(id="w7-0", n=0))  # a duplicate: the whole of w7 rolls back

    try:
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(writer(k) for k in range(40)), return_exceptions=True), timeout=30
        )
        failed = [k for k, o in enumerate(outcomes) if isinstance(o, BaseException)]
        assert failed == [7] and isinstance(outcomes[7], IntegrityError)
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 39 * 5
    finally:
        await engine.dispose()


async def test_a_writer_of_another_process_is_waited_for_on_the_thread(make_db: DbFactory) -> None:
    """SQLite's lock held by a connection outside the gate (another process, a CLI): the first write finds it
    busy at once, rolls back what it had not written, and waits on the connection's thread — the loop keeps
    serving reads meanwhile — then commits once the other writer has."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    main = threading.current_thread().name
    other = sqlite3.connect(str(engine.url.database), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO rows (id, n) VALUES ('other', 0)")
    try:

        async def write() -> None:
            async with engine.begin() as conn:
                await conn.execute(insert(rows).values(id="ours", n=1))

        task = asyncio.create_task(write())

        async def waiting_on_the_thread() -> bool:
            return [(w, t == main) for w, t in seen].count(("INSERT", False)) == 1

        await wait_for(waiting_on_the_thread, timeout=10, what="the write waiting on its thread")
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 0
        assert not task.done()
        other.execute("COMMIT")
        await asyncio.wait_for(task, timeout=10)
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 2
    finally:
        other.close()
        await engine.dispose()
    assert seen[0] == ("INSERT", main)  # tried inline first, found the lock taken


async def test_the_gate_gives_up_as_sqlites_busy_timeout_would(tmp_path: Any) -> None:
    """Two connections of one task both writing (the first never ends its transaction): the second raises
    "database is locked" after the connection's timeout instead of waiting for ever."""
    path = str(tmp_path / "gate.db")
    first, second = inline_sqlite.connect(path, timeout_s=0.2), inline_sqlite.connect(path, timeout_s=0.2)
    await first
    await second
    try:
        await first.execute("CREATE TABLE t (n INTEGER)")
        await first.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await second.execute("INSERT INTO t VALUES (2)")
        await first.commit()
        await second.execute("INSERT INTO t VALUES (3)")  # the gate is free again
        await second.commit()
        async with first.execute("SELECT n FROM t ORDER BY n") as cursor:
            assert [r[0] for r in await cursor.fetchall()] == [1, 3]
    finally:
        await first.close()
        await second.close()


async def test_the_gate_checkpoints_the_wal_and_the_wal_starts_over(
    make_db: DbFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After CHECKPOINT_COMMITS commits the gate checkpoints on a thread, first beside the writers, then
    holding the gate: the second copies what is left, and the next transaction writes the WAL from its start
    again (run only beside the writers, checkpoints never caught up and the WAL only grew)."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    path = str(engine.url.database)

    held_while_checkpointing: list[bool] = []
    checkpoint = WriteGate._passive_checkpoint

    def noting(gate: WriteGate) -> bool:
        held_while_checkpointing.append(gate._held)  # the second: no writer of the process can append meanwhile
        return checkpoint(gate)

    monkeypatch.setattr(WriteGate, "_passive_checkpoint", noting)
    try:
        for i in range(CHECKPOINT_COMMITS):
            async with engine.begin() as conn:
                await conn.execute(insert(rows).values(id=f"c{i}", n=i))
        gate = write_gate(path, 30)
        assert gate is not None
        await gate.settled()
        assert gate.checkpoints == 1 and held_while_checkpointing == [False, True]
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="after", n=0))
        assert 0 < wal_frames(path) < 10  # one transaction's frames, not a hundred's
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == CHECKPOINT_COMMITS + 1
    finally:
        await engine.dispose()


async def test_the_route_dependency_sends_one_requests_reads_to_the_thread() -> None:
    app = FastAPI()

    @app.get("/heavy", dependencies=[Depends(inline_sqlite.reads_on_thread)])
    async def heavy() -> dict[str, bool]:
        return {"inline": inline_sqlite._inline_reads.get()}

    @app.get("/light")
    async def light() -> dict[str, bool]:
        return {"inline": inline_sqlite._inline_reads.get()}

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/heavy")).json() == {"inline": False}
        assert (await client.get("/light")).json() == {"inline": True}
