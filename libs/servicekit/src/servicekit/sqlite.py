"""SQLite connections whose reads run on the event loop's thread and whose writes run on the connection's own.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and wakes the event
loop for each result: five to ten thread hops per statement, about 1.5 ms of a point read that SQLite itself
answers in 50 µs (measured in bench/catalog_matching.py). In WAL mode a read outside a write transaction never
waits for a lock, so it may run inline; anything that can wait (the first write of a transaction takes the
write lock, and a busy handler would then block the whole loop, and with it the coroutine holding that lock)
still goes through aiosqlite's thread, in the order it was issued.

A read that is slow by nature (a report over a million rows) runs on the thread too, so that the loop keeps
serving: wrap it in `with heavy_reads():`, or give its route the dependency `reads_on_thread`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

import aiosqlite

_inline_reads: ContextVar[bool] = ContextVar("sqlite_inline_reads", default=True)
_FETCHES = frozenset({"cursor", "fetchall", "fetchone", "fetchmany"})


@contextmanager
def heavy_reads() -> Iterator[None]:
    """Reads inside this block run on the connection's thread (for statements that take long by nature)."""
    token = _inline_reads.set(False)
    try:
        yield
    finally:
        _inline_reads.reset(token)


async def reads_on_thread() -> AsyncIterator[None]:
    """FastAPI dependency of routes whose reads are long by nature (reports, exports, aggregates over every
    enterprise): their reads run on the connection's thread, and the loop keeps serving meanwhile."""
    with heavy_reads():
        yield


INLINE_MANY = 200  # an executemany of more rows than this runs on the thread (the loop keeps serving meanwhile)


def runs_inline(conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
    """Whether `fn(*args)` on `conn` cannot wait for a lock (and is short), so it may run on the loop's thread.

    Creating, fetching from and closing a cursor never wait. A SELECT never waits in WAL mode. Once a write
    transaction is open the connection holds the write lock, so its further statements cannot wait either;
    only the first write of a transaction (which takes the lock) and the commit (which may checkpoint the WAL,
    with fsyncs) go to the thread — as does everything inside `heavy_reads()`, and a large executemany."""
    if not _inline_reads.get():
        return False
    name = getattr(fn, "__name__", "")
    if name in _FETCHES:
        return True
    if name in ("commit", "rollback"):  # with no transaction open, commit and rollback do nothing
        return not conn.in_transaction
    if isinstance(getattr(fn, "__self__", None), sqlite3.Cursor):
        if name == "close":
            return True
        if name == "execute" and args and isinstance(args[0], str):
            return conn.in_transaction or args[0].lstrip()[:6].upper() == "SELECT"
        if name == "executemany" and len(args) > 1 and isinstance(args[1], list | tuple):
            return conn.in_transaction and len(args[1]) <= INLINE_MANY
    return False


class InlineReadConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs what cannot wait for a lock inline (see the module's note)."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        conn = self._connection
        if conn is not None and self._running and runs_inline(conn, fn, args):
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)


def connect(path: str, timeout_s: float = 30) -> InlineReadConnection:
    """An awaitable connection to the SQLite file at `path` (for create_async_engine's `async_creator`)."""
    connection = InlineReadConnection(
        partial(sqlite3.connect, path, timeout=timeout_s, check_same_thread=False), iter_chunk_size=64
    )
    connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does: no hang at interpreter exit
    return connection
