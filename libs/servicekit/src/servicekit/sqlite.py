"""SQLite connections whose reads run on the event loop's thread and whose writes run on the connection's own.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and wakes the event
loop for each result: five to ten thread hops per statement, about 1.5 ms of a point read that SQLite itself
answers in 50 µs (measured in bench/catalog_matching.py). In WAL mode a read outside a write transaction never
waits for a lock, so it may run inline. A write transaction first takes its file's write gate
(servicekit.sqlitegate): inside it no other writer of the process holds SQLite's lock, so its statements and
its commit run inline too; what can still wait (a first write that finds another process holding the lock)
or takes long (a large executemany, the commit after one) goes through aiosqlite's thread, in order.

A read that is slow by nature (a report over a million rows) runs on the thread too, so that the loop keeps
serving: wrap it in `with heavy_reads():`, or give its route the dependency `reads_on_thread`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite

from servicekit.sqlitegate import WriteGate, gated, write_gate

_inline_reads: ContextVar[bool] = ContextVar("sqlite_inline_reads", default=True)
_writes_first: ContextVar[bool] = ContextVar("sqlite_writes_first", default=False)
_FETCHES = frozenset({"cursor", "fetchall", "fetchone", "fetchmany"})


@contextmanager
def heavy_reads() -> Iterator[None]:
    """Reads inside this block run on the connection's thread (for statements that take long by nature)."""
    token = _inline_reads.set(False)
    try:
        yield
    finally:
        _inline_reads.reset(token)


@contextmanager
def writes_first() -> Iterator[None]:
    """Write transactions begun inside this block go before the requests waiting at the file's write gate
    (servicekit.sqlitegate): for short background writes that others wait for (the relay marking sent)."""
    token = _writes_first.set(True)
    try:
        yield
    finally:
        _writes_first.reset(token)


async def reads_on_thread() -> AsyncIterator[None]:
    """FastAPI dependency of routes whose reads are long by nature (reports, exports, aggregates over every
    enterprise): their reads run on the connection's thread, and the loop keeps serving meanwhile."""
    with heavy_reads():
        yield


INLINE_MANY = 200  # an executemany of more rows than this runs on the thread (the loop keeps serving meanwhile)


def runs_inline(conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...], *, gated: bool) -> bool:
    """Whether `fn(*args)` on `conn` cannot wait for a lock (and is short), so it may run on the loop's thread.

    Creating, fetching from and closing a cursor never wait. A SELECT never waits in WAL mode. Once a write
    transaction is open the connection holds the write lock, so its further statements cannot wait either,
    and when it holds its file's write gate (`gated`, servicekit.sqlitegate) its commit or rollback runs
    inline too (the commit never checkpoints: the gate does that on a thread). Everything inside
    `heavy_reads()` and a large executemany go to the thread."""
    if not _inline_reads.get():
        return False
    name = getattr(fn, "__name__", "")
    if name in _FETCHES:
        return True
    if name in ("commit", "rollback"):  # with no transaction open, commit and rollback do nothing
        return gated or not conn.in_transaction
    if isinstance(getattr(fn, "__self__", None), sqlite3.Cursor):
        if name == "close":
            return True
        if name == "execute" and args and isinstance(args[0], str):
            return conn.in_transaction or args[0].lstrip()[:6].upper() == "SELECT"
        if name == "executemany" and len(args) > 1 and isinstance(args[1], list | tuple):
            return conn.in_transaction and len(args[1]) <= INLINE_MANY
    return False


def begins_write(conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """Whether `fn(*args)`, outside any transaction, may open a write transaction: any statement but a SELECT
    or a PRAGMA (the INSERT, UPDATE or DELETE before which sqlite3 begins one, a BEGIN, DDL)."""
    if conn.in_transaction or getattr(fn, "__name__", "") not in ("execute", "executemany"):
        return False
    sql = args[0] if args and isinstance(args[0], str) else ""
    return sql.lstrip()[:6].upper() not in ("SELECT", "PRAGMA")


_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE", "WITH")


def _short_write(fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """A row-level statement, or an executemany of a few rows (DDL and large batches run on the thread)."""
    if not (args and isinstance(args[0], str) and args[0].lstrip()[:7].upper().startswith(_DML)):
        return False
    return getattr(fn, "__name__", "") == "execute" or (len(args) > 1 and len(args[1]) <= INLINE_MANY)


def _busy(e: sqlite3.OperationalError) -> bool:
    return "locked" in str(e) or "busy" in str(e)


class InlineReadConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs what cannot wait for a lock inline (see the module's note) and whose
    write transactions pass through its file's write gate (servicekit.sqlitegate)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], *, path: str, timeout_s: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._path, self._timeout_s = path, timeout_s
        self._gate: WriteGate | None = None
        self._gated = False  # holds the gate: a write transaction is open (or opening)
        self._bulk = False  # the transaction wrote in bulk (on the thread): its commit goes there too

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        conn = self._connection
        if conn is None or not self._running:
            return await super()._execute(fn, *args, **kwargs)
        committing = getattr(fn, "__name__", "") == "commit"
        try:
            if not self._gated and begins_write(conn, fn, args) and await self._enter_gate():
                if _inline_reads.get() and _short_write(fn, args):
                    return await self._first_write(conn, fn, args, kwargs)
            elif runs_inline(conn, fn, args, gated=self._gated and not self._bulk):
                return fn(*args, **kwargs)
            # A commit after bulk writes copies megabytes into the WAL: not on the loop either.
            self._bulk = self._bulk or (self._gated and not committing)
            return await super()._execute(fn, *args, **kwargs)
        finally:
            if self._gated and not self._in_transaction():
                self._leave_gate(committed=committing)

    async def _enter_gate(self) -> bool:
        if self._gate is None:
            self._gate = write_gate(self._path, self._timeout_s)
        if self._gate is None:
            return False
        await self._gate.acquire(first=_writes_first.get())
        self._gated = True
        return True

    async def _first_write(
        self, conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """The statement that takes SQLite's write lock, inline when no other process holds it; else (the lock
        busy at once) its transaction is rolled back — it had written nothing — and the statement waits for
        the lock on the connection's thread."""
        conn.execute("PRAGMA busy_timeout=0")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as e:
            if not _busy(e):
                raise
            conn.rollback()
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(self._timeout_s * 1000)}")
        return await super()._execute(fn, *args, **kwargs)

    def _in_transaction(self) -> bool:
        try:
            return self._connection is not None and self._connection.in_transaction
        except sqlite3.ProgrammingError:  # closed
            return False

    def _leave_gate(self, *, committed: bool) -> None:
        if self._gated and self._gate is not None:
            self._gated = self._bulk = False
            self._gate.release(committed)

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._leave_gate(committed=False)

    def stop(self) -> asyncio.Future[Any] | None:
        """Stopped without a close (SQLAlchemy terminating a connection): its transaction ends with it."""
        self._leave_gate(committed=False)
        return super().stop()


def _connection(path: str, timeout_s: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout_s, check_same_thread=False)
    if gated(path):
        conn.execute("PRAGMA wal_autocheckpoint=0")  # commits run on the loop: the gate checkpoints on a thread
    return conn


def connect(path: str, timeout_s: float = 30) -> InlineReadConnection:
    """An awaitable connection to the SQLite file at `path` (for create_async_engine's `async_creator`)."""
    connection = InlineReadConnection(partial(_connection, path, timeout_s), path=path, timeout_s=timeout_s)
    connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does: no hang at interpreter exit
    return connection
