"""Async database engine, dialect-neutral bulk helpers."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter
from pydantic_core import to_jsonable_python
from sqlalchemy import DateTime, Dialect, Select, String, Table, Text, TypeDecorator, bindparam, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql import Executable

from servicekit import sqlite as inline_sqlite


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Times go through pydantic (its format, as before orjson); integer keys are written as strings.
_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _jsonable(value: Any) -> Any:
    """What orjson cannot write itself (pydantic models, Decimal) as plain JSON data."""
    return to_jsonable_python(value)


def json_text(value: Any) -> str:
    """Compact UTF-8 JSON of anything pydantic can serialise (the text JSON columns hold)."""
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return orjson.dumps(value, default=_jsonable, option=_ORJSON).decode()


class JSONText(TypeDecorator[Any]):
    """JSON stored as text, the one JSON column type of every service (no hand-written json.dumps).

    Binds anything pydantic can serialise (models, Decimal, dates) as compact UTF-8 JSON; reads it
    back as plain JSON, or validated into `value_type` when one is given (e.g. list[TierRecognition]).
    Text, not a native JSON type: the migrations created these columns as TEXT on both databases.
    """

    impl = Text
    cache_ok = True

    def __init__(self, python_type: Any = None) -> None:
        super().__init__()
        self.value_type = python_type
        self._adapter: TypeAdapter[Any] | None = TypeAdapter(python_type) if python_type is not None else None

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json_text(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        data = json.loads(value)
        return self._adapter.validate_python(data) if self._adapter is not None else data

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return Text()


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as text (the same on SQLite and PostgreSQL), read back as Decimal."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def normalize_url(url: str) -> str:
    """Accept plain postgresql:// and sqlite:// URLs and pick the async driver."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg"):
        u = u.set(drivername="postgresql+asyncpg")
    elif u.drivername == "sqlite":
        u = u.set(drivername="sqlite+aiosqlite")
    return u.render_as_string(hide_password=False)


def private_dir(path: Path) -> None:
    """Create (or restrict) a folder only its owner may enter: `var/` holds databases, keys, credentials."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def private_file(path: Path) -> None:
    """Create (or restrict) a data file readable by its owner only, in a folder only the owner enters:
    a service's database holds secret hashes and contacts. (SQLite gives its -wal and -shm files the
    database file's permissions.)"""
    if not path.parent.exists():
        private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    os.chmod(path, 0o600)


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int | None = None,
    max_overflow: int | None = None,
    sqlite_cache_mib: int = 0,
    pool_timeout: float = 30,
) -> AsyncEngine:
    """Create the engine; SQLite files get WAL, a busy timeout and foreign keys, and with `sqlite_cache_mib` a page
    cache of that size per connection (0: SQLite's 2 MiB). The pool's size defaults to 20 (+20 overflow) on
    SQLite, 10 (+10) on PostgreSQL; a caller waits up to `pool_timeout` seconds for a connection."""
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            private_file(Path(u.database))
        # Connections are kept (each is a thread and an open file with its PRAGMAs): with the default pool of
        # 5 + 10 overflow, 32 concurrent requests opened and closed connections all the time.
        # Reads run on the event loop's thread, writes on the connection's own (servicekit.sqlite).
        path = u.database or ":memory:"
        engine = create_async_engine(
            url,
            echo=echo,
            async_creator=lambda: inline_sqlite.connect(path),
            pool_size=20 if pool_size is None else pool_size,
            max_overflow=20 if max_overflow is None else max_overflow,
            pool_timeout=pool_timeout,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            if sqlite_cache_mib > 0:
                cur.execute(f"PRAGMA cache_size=-{sqlite_cache_mib * 1024}")  # negative: KiB
            cur.close()

        return engine
    return create_async_engine(
        url,
        echo=echo,
        pool_size=10 if pool_size is None else pool_size,
        max_overflow=10 if max_overflow is None else max_overflow,
        pool_timeout=pool_timeout,
        pool_pre_ping=True,
    )


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def _dialect_insert(dialect_name: str, table: Table) -> Any:
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    if dialect_name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect {dialect_name!r}")


def insert_ignore_returning(dialect_name: str, table: Table, keys: Sequence[str], returning: Any) -> Executable:
    """INSERT … ON CONFLICT (keys) DO NOTHING RETURNING `returning`, for executemany: the rows that were new."""
    return _dialect_insert(dialect_name, table).on_conflict_do_nothing(index_elements=list(keys)).returning(returning)


def select_where_in(
    dialect_name: str,
    table: Any,
    column: Any,
    values: Sequence[Any],
    *where: Any,
    columns: Sequence[Any] = (),
) -> Select[Any]:
    """SELECT the rows (or `columns`) of `table` whose `column` is one of `values` (up to a few thousand).

    `table` is a Core table or a mapped class (then the rows come back as its typed instances).
    On PostgreSQL the values travel as one array joined with unnest(): an IN list of separate
    parameters becomes, in a prepared statement's generic plan, a linear search per row (about
    200 ms for 1,000 keys over 10,000 rows, measured in bench/registry_push.py). On SQLite, text keys
    travel as one JSON array read with json_each(): one parameter and a statement compiled once, instead of
    an IN list rendered anew for every call (4.0 → 3.0 µs per key, bench/results.md).
    """
    source: Table = getattr(table, "__table__", table)
    wanted_columns = list(columns) or [table]
    if dialect_name == "postgresql":
        array = bindparam("wanted", list(values), type_=postgresql.ARRAY(source.c[column.key].type))
        wanted = func.unnest(array).table_valued("key").render_derived(name="wanted")
        return select(*wanted_columns).select_from(source).join(wanted, column == wanted.c.key).where(*where)
    if all(type(v) is str for v in values):
        return select(*wanted_columns).where(column.in_(json_values("wanted", values)), *where)
    return select(*wanted_columns).where(column.in_(values), *where)


def json_values(name: str, values: Sequence[Any]) -> Select[Any]:
    """SQLite: `SELECT value` over a list sent as one JSON array parameter, read with json_each(): one
    parameter and one statement compiled once, whatever the list's length (text keys, ids)."""
    listed = func.json_each(bindparam(name, orjson.dumps(list(values)).decode(), type_=String))
    return select(listed.table_valued("value").c.value)


def upsert(
    dialect_name: str,
    table: Any,
    keys: Sequence[str],
    update: Sequence[str],
    *,
    newer: str | None = None,
    only_if_null: str | None = None,
) -> Executable:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET `update` columns, for executemany with one row per key.

    `newer`: update only when the stored row's column is lower than the incoming one (a version, a
    sequence number, a time), so a replayed or late older event changes nothing. `only_if_null`: update
    only while the stored row's column is still empty (a placeholder filled in later).
    """
    t: Table = getattr(table, "__table__", table)
    stmt = _dialect_insert(dialect_name, t)
    where = None
    if newer is not None:
        where = t.c[newer] < stmt.excluded[newer]
    elif only_if_null is not None:
        where = t.c[only_if_null].is_(None)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=list(keys))
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in update}, where=where
    )


def latest_per_key(rows: Sequence[dict[str, Any]], key: Sequence[str], order: str) -> list[dict[str, Any]]:
    """One row per key: the one with the highest `order` (later rows win ties, as events arrive in order).

    PostgreSQL refuses an INSERT … ON CONFLICT DO UPDATE that touches the same row twice in one statement,
    and within a batch only the latest fact about a key matters.
    """
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        held = best.get(k)
        if held is None or row[order] >= held[order]:
            best[k] = row
    return list(best.values())


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers."""
    from sqlalchemy import text

    conn: AsyncConnection
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def columns_of(row: Any) -> dict[str, Any]:
    """The column values of a typed row (a SQLModel table instance), for a Core INSERT or UPDATE."""
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def table_of(model: Any) -> Table:
    """The Core table of a SQLModel table class (for set-based statements on the same table)."""
    table: Table = model.__table__
    return table
