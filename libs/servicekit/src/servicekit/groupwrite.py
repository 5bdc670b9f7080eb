"""Group commit for append-only records written on a read path (a query log): each request hands its row
to the writer and waits until it is stored; the writer stores whatever has queued meanwhile in one
transaction with one executemany. Requests stay read-only (no write lock held per request, which on
SQLite would serialise them), nothing is answered before its record is durable, and the write costs one
round trip per batch instead of one per request (DESIGN §7).

The batch goes straight to the driver on connections of the writer's own — SQLite's on the event loop inside
the file's write gate (servicekit.sqlitegate), or on one thread of its own when another process holds the
lock (a commit may wait for the lock, never on the loop); PostgreSQL's asyncpg connection —: one executemany
and one commit per batch. Through an ORM session the
same batch cost about a millisecond of set-up and thread hops; through the thread, a hop each way and the
GIL passed back and forth with the requests' point reads (bench/finance_eligibility.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError

from servicekit.bulk import driver_insert
from servicekit.db import normalize_url
from servicekit.sqlite import INLINE_MANY
from servicekit.sqlitegate import WriteGate, gated, write_gate

log = logging.getLogger(__name__)


class GroupWriter:
    """Appends rows to `table` in batches of at most `max_batch`; `write` returns once its row is stored.

    It has its own connection: requests waiting on it may hold the service's pooled connections, so sharing
    that pool could leave the writer waiting on them and them on it."""

    def __init__(self, database_url: str, table: Any, *, max_batch: int = 1000) -> None:
        url = make_url(normalize_url(database_url))
        sqlite = url.get_backend_name() == "sqlite"
        self._sink: _Sink = _SQLiteSink(url.database or ":memory:") if sqlite else _PgSink(url)
        self._table = table
        self._name = str(getattr(table, "__tablename__", getattr(table, "name", "rows")))
        self._max_batch = max_batch
        self._queue: asyncio.Queue[tuple[Mapping[str, Any], asyncio.Future[None]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._pending = 0  # rows handed over and not yet stored or failed
        self._idle = asyncio.Event()  # set while nothing is pending
        self._idle.set()
        self.batches = 0  # batches stored (for tests and metrics)

    @property
    def pending(self) -> int:
        """Rows handed over and not yet stored or failed."""
        return self._pending

    async def write(self, row: Mapping[str, Any]) -> None:
        """Store `row`; raises what the database raised if its batch could not be stored."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"group-writer-{self._name}")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending += 1
        self._idle.clear()
        await self._queue.put((row, done))
        await done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                sql, params = driver_insert(self._sink.dialect, self._table, [row for row, _ in batch])
                await self._sink.store(sql, params)
                self.batches += 1
                outcome: BaseException | None = None
            except Exception as e:  # every waiting request learns its record was not stored
                log.exception("group write of %d row(s) to %s failed", len(batch), self._name)
                outcome = e
            self._pending -= len(batch)
            if not self._pending:
                self._idle.set()
            for _, done in batch:
                if done.done():
                    continue
                if outcome is None:
                    done.set_result(None)
                else:
                    done.set_exception(outcome)

    async def close(self) -> None:
        """Store what is queued, then stop."""
        if self._task is not None and not self._task.done():
            await self._idle.wait()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._sink.close()


class _Sink(Protocol):
    """Where a batch goes: `store` inserts the rows in one transaction (an IntegrityError as SQLAlchemy names
    it); `close` lets go of the connection."""

    dialect: str

    async def store(self, sql: str, params: list[tuple[Any, ...]]) -> None: ...

    async def close(self) -> None: ...


class _SQLiteSink:
    """A batch is stored inside the file's write gate (servicekit.sqlitegate), which the service's own
    connections to the file take too: no writer of this process holds SQLite's lock meanwhile, so the batch
    goes straight in on the event loop's thread (`BEGIN IMMEDIATE` with no busy wait, executemany, commit: in
    WAL mode with `synchronous=NORMAL` a write into the OS's cache, about 100 µs for a batch, less than
    handing it to a thread and back). Another process holding the lock (the CLI, a migration) sends the
    batch to a thread of the sink's own, which may wait for it. Checkpoints are the gate's: the loop's
    connection never checkpoints by itself, and the gate runs a passive checkpoint on a thread every so many
    commits, holding the gate so that it catches up. Checkpointing beside the writers, as the sink once did,
    never caught up: the WAL grew by ~35 MB a second under the eligibility benchmark (560 MB in 16 s) and
    every read searched a growing WAL index."""

    dialect = "sqlite"
    TIMEOUT_S = 30.0  # what a batch waits for the gate or for another process's lock

    def __init__(self, path: str) -> None:
        self._path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="group-writer")
        self._loop_conn: sqlite3.Connection | None = None  # used on the loop's thread only
        self._conn: sqlite3.Connection | None = None  # used on the thread only
        self._gate: tuple[asyncio.AbstractEventLoop, WriteGate | None] | None = None  # the file's, on its loop
        self.inline_batches = 0  # batches stored on the loop's thread (for tests)

    def _write_gate(self) -> WriteGate | None:
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, write_gate(self._path, self.TIMEOUT_S))
        return self._gate[1]

    def _connect(self, timeout: float) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=timeout, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
        if gated(self._path):  # the gate checkpoints, on a thread (else SQLite's automatic checkpoints)
            conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    @staticmethod
    def _insert(conn: sqlite3.Connection, sql: str, params: list[tuple[Any, ...]]) -> None:
        """executemany and commit in the transaction the caller began (rolled back on an error)."""
        try:
            conn.executemany(sql, params)
            conn.execute("COMMIT")
        except BaseException as e:
            conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.IntegrityError):
                raise IntegrityError(sql, None, e) from e
            raise

    def _store_waiting(self, sql: str, params: list[tuple[Any, ...]]) -> None:
        if self._conn is None:
            self._conn = self._connect(timeout=self.TIMEOUT_S)
        self._conn.execute("BEGIN IMMEDIATE")
        self._insert(self._conn, sql, params)

    def _locked_inline(self) -> sqlite3.Connection | None:
        """The loop's connection inside a write transaction, or None if another connection holds the lock."""
        if self._loop_conn is None:
            self._loop_conn = self._connect(timeout=0)
        try:
            self._loop_conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e):
                raise
            return None
        return self._loop_conn

    async def store(self, sql: str, params: list[tuple[Any, ...]]) -> None:
        gate = self._write_gate()
        if gate is not None:
            await gate.acquire()
        stored = False
        try:
            conn = self._locked_inline() if len(params) <= INLINE_MANY else None
            if conn is None:
                await asyncio.get_running_loop().run_in_executor(self._thread, self._store_waiting, sql, params)
            else:
                self._insert(conn, sql, params)
                self.inline_batches += 1
            stored = True
        finally:
            if gate is not None:
                gate.release(committed=stored)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def close(self) -> None:
        if self._loop_conn is not None:
            self._loop_conn.close()
            self._loop_conn = None
        await asyncio.get_running_loop().run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=True)


class _PgSink:
    """An asyncpg connection of the writer's own."""

    dialect = "postgresql"

    def __init__(self, url: URL) -> None:
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = None

    async def store(self, sql: str, params: list[tuple[Any, ...]]) -> None:
        import asyncpg

        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self._dsn)
        try:
            async with self._conn.transaction():
                await self._conn.executemany(sql, params)
        except asyncpg.IntegrityConstraintViolationError as e:
            raise IntegrityError(sql, None, e) from e

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
