"""SQLite statements that cannot wait for a lock run on the event loop's thread, the rest on the connection's
own: a read never waits, a transaction's first write and its commit go to the thread and what follows the
first write runs inline, a second writer waits for the first without blocking the loop, and heavy reads can
be sent to the thread."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from fastapi import Depends, FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, select

from servicekit import sqlite as inline_sqlite
from servicekit.db import make_engine
from testkit.databases import DbFactory, create_tables
from testkit.waits import wait_for

metadata = MetaData()
rows = Table("rows", metadata, Column("id", String(10), primary_key=True), Column("n", Integer))


def record_threads(engine: Any) -> list[tuple[str, str]]:
    """(statement's first word, thread name) of every statement the engine's connections run, noted by SQLite
    itself on the thread that runs it."""
    seen: list[tuple[str, str]] = []

    def note(statement: str) -> None:
        word = statement.split()[0].upper()
        if word in ("SELECT", "INSERT"):
            seen.append((word, threading.current_thread().name))

    @event.listens_for(engine.sync_engine, "connect")
    def _trace(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.driver_connection._conn.set_trace_callback(note)

    return seen


async def test_reads_run_inline_and_writes_on_the_connections_thread(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    main = threading.current_thread().name
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="a", n=1))
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 1
        with inline_sqlite.heavy_reads():
            async with engine.connect() as conn:
                assert await conn.scalar(select(rows.c.n).where(rows.c.id == "a")) == 1
    finally:
        await engine.dispose()
    assert seen[0][0] == "INSERT" and seen[0][1] != main
    assert seen[1] == ("SELECT", main)
    assert seen[2][0] == "SELECT" and seen[2][1] != main  # marked heavy: on the connection's thread


async def test_once_the_write_lock_is_held_statements_run_inline(make_db: DbFactory) -> None:
    """The first write of a transaction takes the lock (on the thread); then nothing can wait for it, so reads
    and small writes run inline and see the transaction's own writes; a large executemany stays on the thread."""
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    main = threading.current_thread().name
    many = [{"id": f"m{i}", "n": i} for i in range(inline_sqlite.INLINE_MANY + 1)]
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
    assert threads[:3] == [("INSERT", False), ("SELECT", True), ("INSERT", True)]
    assert threads[3:-1] == [("INSERT", False)] * len(many)  # SQLite notes each row of an executemany
    assert threads[-1] == ("SELECT", True)


async def test_a_second_writer_waits_for_the_first_without_blocking_readers(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    seen = record_threads(engine)
    first_holds_lock, release = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="first", n=1))
            first_holds_lock.set()
            await release.wait()  # holds the write lock across an await

    async def second() -> None:
        await first_holds_lock.wait()
        async with engine.begin() as conn:
            await conn.execute(insert(rows).values(id="second", n=2))

    try:
        writers = [asyncio.create_task(first()), asyncio.create_task(second())]
        await first_holds_lock.wait()

        async def second_insert_started() -> bool:  # SQLite traces a statement as it starts: it now waits
            return sum(1 for word, _ in seen if word == "INSERT") == 2

        await wait_for(second_insert_started, timeout=10, what="the second writer's INSERT")
        assert not writers[1].done()  # waiting for the lock, on its connection's thread
        async with engine.connect() as conn:  # the loop still serves: a read answers from the last commit
            assert await conn.scalar(select(func.count()).select_from(rows)) == 0
        release.set()
        await asyncio.wait_for(asyncio.gather(*writers), timeout=10)
        async with engine.connect() as conn:
            assert await conn.scalar(select(func.count()).select_from(rows)) == 2
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
