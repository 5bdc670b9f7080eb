"""Point reads on the hottest request paths, without the ORM: a SQLAlchemy Core SELECT compiled once for the
database's dialect and run straight on the driver, on a connection (SQLite) or a small pool (PostgreSQL) of
its own.

Through an ORM session one indexed point read cost about a millisecond of CPU — session and transaction
set-up, statement cache lookup, parameter processing, row objects, the rollback at the end — for a
statement SQLite answers in 50 µs (bench/finance_eligibility.py). Here a read is the driver's call, the
column types' own bind and result processing, and a dict. Statements are still built with SQLAlchemy
(one source for both dialects, typed columns); only their execution is lean.

SQLite: the connection runs on the event loop's thread and is read-only (`PRAGMA query_only`); in WAL mode
a reader never waits for a writer. PostgreSQL: an asyncpg pool of `pool_size` connections, each keeping its
prepared statements, released without asyncpg's reset query (these reads set no session state).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Select

Processor = Callable[[Any], Any] | None
Statement = Select[*tuple[Any, ...]]  # a SELECT of any columns
_REQUIRED = object()


@dataclass(frozen=True)
class Prepared:
    """A SELECT compiled for one dialect: its SQL, its parameters in order and the types' processors."""

    sql: str
    names: tuple[str, ...]  # bound parameters in positional order
    defaults: tuple[Any, ...]  # a literal's value, or _REQUIRED for a parameter given per read
    binds: tuple[Processor, ...]
    columns: tuple[str, ...]
    results: tuple[Processor, ...]

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional arguments for `params` (KeyError naming a missing parameter)."""
        out = []
        for name, default, process in zip(self.names, self.defaults, self.binds, strict=True):
            value = params[name] if default is _REQUIRED else default
            out.append(process(value) if process is not None and value is not None else value)
        return out

    def row(self, values: tuple[Any, ...] | Any) -> dict[str, Any]:
        return {
            name: process(value) if process is not None else value
            for name, process, value in zip(self.columns, self.results, values, strict=True)
        }


def prepare(statement: Statement, dialect: Dialect) -> Prepared:
    """Compile `statement` for `dialect` with positional parameters (named by their bindparam names)."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    params = [compiled.binds[n] for n in names]
    defaults = tuple(_REQUIRED if p.required else p.effective_value for p in params)
    binds = tuple(p.type.dialect_impl(dialect).bind_processor(dialect) for p in params)
    selected = list(statement.selected_columns)
    columns = tuple(str(c.key) for c in selected)
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in selected)
    return Prepared(compiled.string, names, defaults, binds, columns, results)


POOL_NAME = "shuzhuan-pointread"  # the pool's connections as PostgreSQL lists them (pg_stat_activity)


async def _nothing_to_reset(_: Any) -> None:
    return None


class PointReader:
    """Runs prepared point reads on one service's database (open with `start`, close with `close`)."""

    def __init__(self, engine: AsyncEngine, *, pool_size: int = 4) -> None:
        """Reads the database of `engine` (whose dialect compiles the statements) on connections of its own."""
        self._url = engine.url
        self.dialect: Dialect = engine.dialect
        self.backend = self._url.get_backend_name()
        self._pool_size = pool_size
        self._sqlite: sqlite3.Connection | None = None
        self._pool: Any = None
        self._prepared: dict[int, tuple[Statement, Prepared]] = {}

    def prepare(self, statement: Statement) -> Prepared:
        """`statement` compiled for this database (once per statement object: keep statements at module level)."""
        held = self._prepared.get(id(statement))
        if held is None:  # the statement is kept beside its compiled form, so its id is never reused
            held = self._prepared[id(statement)] = (statement, prepare(statement, self.dialect))
        return held[1]

    async def start(self) -> None:
        """Open the connection or the pool (done by the first read if not before)."""
        if self._sqlite is not None or self._pool is not None:
            return
        if self.backend == "sqlite":
            # mode=rw: an absent file is an error, not a new empty database. Reads never take the write lock in
            # WAL mode; the short timeout bounds the rare wait (WAL recovery).
            uri = f"file:{quote(self._url.database or '')}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, timeout=1.0, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA query_only=ON")
            # No memory map: any other connection's commit makes SQLite unmap the whole file before the next
            # read, which then faults every page back in — with the query log committing every few
            # milliseconds, a point read took 105 µs mapped against 64 µs read into the page cache.
            self._sqlite = conn
        else:
            import asyncpg

            dsn = self._url.set(drivername="postgresql").render_as_string(hide_password=False)
            # No reset query on release: asyncpg's default (advisory unlocks, CLOSE ALL, UNLISTEN, RESET ALL)
            # is a round trip and server work per read — a fifth of an eligibility answer's time — for
            # session state these single SELECTs never make. An open transaction is still rolled back.
            self._pool = await asyncpg.create_pool(
                dsn,
                min_size=1,
                max_size=self._pool_size,
                reset=_nothing_to_reset,
                server_settings={"application_name": POOL_NAME},
            )

    async def _rows(self, prepared: Prepared, params: Mapping[str, Any], first: bool) -> list[Any]:
        args = prepared.arguments(params)
        if self._sqlite is None and self._pool is None:
            await self.start()
        if self._sqlite is not None:
            cursor = self._sqlite.execute(prepared.sql, args)
            try:
                found = cursor.fetchone() if first else cursor.fetchall()
            finally:
                cursor.close()
            return [] if found is None else [found] if first else list(found)
        if first:
            record = await self._pool.fetchrow(prepared.sql, *args)
            return [] if record is None else [record]
        return list(await self._pool.fetch(prepared.sql, *args))

    async def one(self, statement: Statement, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """The first row of `statement` with `params` (by bindparam name) as a dict of its columns, or None."""
        prepared = self.prepare(statement)
        rows = await self._rows(prepared, params or {}, first=True)
        return prepared.row(tuple(rows[0])) if rows else None

    async def all(self, statement: Statement, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every row of `statement` (a short list: the rows are built in one go)."""
        prepared = self.prepare(statement)
        return [prepared.row(tuple(r)) for r in await self._rows(prepared, params or {}, first=False)]

    async def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
