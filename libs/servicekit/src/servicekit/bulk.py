"""Set-based writes of many rows, the fast path of every bulk write and every consumer.

An INSERT (optionally … ON CONFLICT DO NOTHING / DO UPDATE) is compiled once per table, dialect and
conflict rule, and the rows go to the driver's executemany as tuples (on PostgreSQL a plain INSERT goes by COPY,
an upsert as one statement over one array per column).
Each column's value is converted once by a converter chosen from the column's type (JSON text, UTC timestamps, exact
decimals), instead of SQLAlchemy's generic per-parameter processing, which cost about a third of a
10,000-record push when profiled (bench/results.md). The values written are exactly what the same
columns hold when SQLAlchemy writes them, so typed reads see no difference (a test checks this).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from opentelemetry import trace
from sqlalchemy import Date, Select, Table, bindparam, func, literal_column, select
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from servicekit.db import DecimalText, JSONText, UTCDateTime, json_text
from servicekit.planner_stats import rows_written
from servicekit.telemetry import tracer

Converter = Callable[[Any], Any]
_compiled: dict[tuple[int, str, tuple[str, ...], str], tuple[str, tuple[str, ...]]] = {}


def _json(value: Any) -> Any:
    return None if value is None else json_text(value)


_times: dict[datetime, str] = {}  # the rows of one write usually share one time


def _sqlite_time(value: datetime | None) -> str | None:
    """As SQLAlchemy's SQLite DATETIME stores it: naive UTC, always with microseconds. (Written by `isoformat` after
    the offset is taken off by hand: a third less than `astimezone` and a format string, for the time zone
    pydantic gives a parsed time, and a consumer writes a time of every event.)"""
    if value is None:
        return None
    found = _times.get(value)
    if found is None:
        offset = value.utcoffset()
        if offset is None:
            raise ValueError("naive datetime given where a timezone-aware one is required")
        found = (value - offset if offset else value).isoformat(" ", "microseconds")[:26]  # without the offset
        if len(_times) > 4096:
            _times.clear()
        _times[value] = found
    return found


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("naive datetime given where a timezone-aware one is required")
    return value


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _identity(value: Any) -> Any:
    return value


def converter(column_type: Any, dialect: str) -> Converter:
    """How a value of a column of this type is handed to the driver."""
    if isinstance(column_type, JSONText):
        return _json
    if isinstance(column_type, UTCDateTime):
        return _sqlite_time if dialect == "sqlite" else _aware
    if isinstance(column_type, DecimalText):
        return _decimal
    if isinstance(column_type, Date) and dialect == "sqlite":
        return _sqlite_date
    return _identity


def _driver_dialect(dialect: str) -> Any:
    """The dialect of the driver the services use for `dialect` (asyncpg, aiosqlite): its parameter style."""
    return postgresql.asyncpg.dialect() if dialect == "postgresql" else sqlite.aiosqlite.dialect()


def _tuples(rows: Sequence[Mapping[str, Any]], convert: list[tuple[str, Converter]]) -> list[tuple[Any, ...]]:
    """The rows as tuples in parameter order, each value through its column's converter. The values go out
    by one itemgetter (C) per row; only the columns whose converter does something are touched again (a
    call per value cost a fifth of the indexer's own time per event, profiled in bench/results.md)."""
    if not convert:
        return [() for _ in rows]
    names = [name for name, _ in convert]
    getter = itemgetter(*names)
    if len(names) == 1:
        f = convert[0][1]
        return [(value,) for value in map(getter, rows)] if f is _identity else [(f(getter(r)),) for r in rows]
    special = [(i, f) for i, (_, f) in enumerate(convert) if f is not _identity]
    if not special:
        return list(map(getter, rows))
    out = []
    for row in rows:
        values = list(getter(row))
        for i, f in special:
            values[i] = f(values[i])
        out.append(tuple(values))
    return out


def _dialect_insert(dialect: str, table: Table) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def _statement(
    dialect: str,
    table: Table,
    columns: tuple[str, ...],
    conflict: Sequence[str],
    update: Sequence[str],
    newer: str | None,
    add: Sequence[str] = (),
) -> tuple[str, tuple[str, ...]]:
    """(SQL text in the driver's parameter style, the columns in parameter order), compiled once."""
    key = (id(table), dialect, columns, f"{conflict}|{update}|{newer}|{add}")
    found = _compiled.get(key)
    if found is None:
        stmt = _dialect_insert(dialect, table).values({c: None for c in columns})
        if conflict and add:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(conflict), set_={c: table.c[c] + stmt.excluded[c] for c in add}
            )
        elif conflict and update:
            where = table.c[newer] < stmt.excluded[newer] if newer else None
            stmt = stmt.on_conflict_do_update(
                index_elements=list(conflict), set_={c: stmt.excluded[c] for c in update}, where=where
            )
        elif conflict:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
        compiled = stmt.compile(dialect=_driver_dialect(dialect))
        order = tuple(compiled.positiontup or ())
        found = _compiled[key] = (str(compiled), order)
    return found


def _unnest_statement(
    table: Table,
    columns: tuple[str, ...],
    conflict: Sequence[str],
    update: Sequence[str],
    newer: str | None,
    add: Sequence[str],
) -> str:
    """PostgreSQL: INSERT … SELECT * FROM unnest(one array per column) ON CONFLICT …, compiled once: the
    server plans and starts one statement for the batch where executemany starts one per row (the server's CPU
    per row 8.0–8.2 → 4.7–4.8 µs, an upsert of 200,000 rows in batches of 5,000, docs/architecture.md)."""
    key = (id(table), "postgresql-unnest", columns, f"{conflict}|{update}|{newer}|{add}")
    found = _compiled.get(key)
    if found is None:
        dialect = _driver_dialect("postgresql")
        quote = dialect.identifier_preparer.quote
        name = dialect.identifier_preparer.format_table(table)
        arrays = ", ".join(f"${i}::{table.c[c].type.compile(dialect=dialect)}[]" for i, c in enumerate(columns, 1))
        sql = (
            f"INSERT INTO {name} ({', '.join(quote(c) for c in columns)}) SELECT * FROM unnest({arrays}) "
            f"ON CONFLICT ({', '.join(quote(c) for c in conflict)}) "
        )
        if add:
            sql += "DO UPDATE SET " + ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in add)
        elif update:
            sql += "DO UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
            if newer:
                sql += f" WHERE {name}.{quote(newer)} < excluded.{quote(newer)}"
        else:
            sql += "DO NOTHING"
        found = _compiled[key] = (sql, columns)
    return found[0]


def _unique_keys(rows: Sequence[Mapping[str, Any]], conflict: Sequence[str]) -> bool:
    """Whether no two rows share a key: one statement may update a row once only (executemany, one statement a
    row, applies such rows in turn)."""
    getter = itemgetter(*conflict)
    return len(set(map(getter, rows))) == len(rows)


def driver_insert(dialect: str, table: Any, rows: Sequence[Mapping[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
    """A plain INSERT of `rows` (all with the same keys) as the driver takes it: its SQL and the rows as
    converted tuples (for writers that bypass SQLAlchemy's connection, e.g. servicekit.groupwrite)."""
    t: Table = getattr(table, "__table__", table)
    sql, order = _statement(dialect, t, tuple(rows[0].keys()), (), (), None)
    convert = [(name, converter(t.c[name].type, dialect)) for name in order]
    return sql, _tuples(rows, convert)


async def insert_rows(
    session: AsyncSession,
    table: Any,
    rows: Sequence[Mapping[str, Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
    newer: str | None = None,
    add: Sequence[str] = (),
    chunk: int = 10_000,
) -> int | None:
    """INSERT every row (all with the same keys) in one executemany per `chunk` rows (PostgreSQL: one COPY, or one
    INSERT … SELECT FROM unnest(…) per chunk where no key repeats).

    `conflict` (the key columns) makes it INSERT … ON CONFLICT DO NOTHING; with `update`, DO UPDATE SET
    those columns, only where the stored `newer` column is lower than the incoming one, if given; with
    `add` (counters), DO UPDATE SET each to the stored value plus the incoming one.

    Returns how many rows the database inserted or updated (a row left alone by DO NOTHING, or by the `newer`
    guard, is not counted), or None where the driver does not count them (an executemany on asyncpg).
    """
    if not rows:
        return 0
    t: Table = getattr(table, "__table__", table)
    dialect = session.get_bind().dialect.name
    columns = tuple(rows[0].keys())
    sql, order = _statement(dialect, t, columns, conflict, update, newer, add)
    convert = [(name, converter(t.c[name].type, dialect)) for name in order]
    connection = await session.connection()
    written: int | None = 0
    if dialect == "postgresql" and not conflict:
        await _copy(connection, t, order, _tuples(rows, convert))
        written = len(rows)
    elif dialect == "postgresql" and (not (update or add) or _unique_keys(rows, conflict)):
        sql = _unnest_statement(t, order, conflict, update, newer, add)
        for i in range(0, len(rows), chunk):
            values = _tuples(rows[i : i + chunk], convert)
            written = _plus(written, (await connection.exec_driver_sql(sql, tuple(zip(*values, strict=True)))).rowcount)
    else:
        for i in range(0, len(rows), chunk):
            params = _tuples(rows[i : i + chunk], convert)
            written = _plus(written, (await connection.exec_driver_sql(sql, params)).rowcount)
    await rows_written(session, t, len(rows))
    return written


def _plus(total: int | None, rowcount: int) -> int | None:
    """A running count of rows written; None once a statement's count is unknown (-1)."""
    return None if total is None or rowcount < 0 else total + rowcount


def last_inserted(table: Table, column: Any, n: int) -> Select[Any]:
    """SQLite: `column` of the last `n` rows of the rowid table `table`, which are the rows this transaction has
    just inserted into it (its last insert of `n` rows there): SQLite gives a new row the highest rowid plus one,
    and a transaction is the only writer from its first write to its commit."""
    rowid: Any = literal_column("rowid")
    newest = select(func.max(rowid)).select_from(table).scalar_subquery()
    return select(column).select_from(table).where(rowid > newest - bindparam("n", n))


async def _copy(
    connection: AsyncConnection, table: Table, columns: Sequence[str], records: list[tuple[Any, ...]]
) -> None:
    """PostgreSQL, a plain INSERT: the rows by binary COPY, in the session's transaction. COPY takes each row
    without an executor run per row (a 10,000-record push 8.1–8.4k → 9.5–9.7k records/s, bench/registry_push.py;
    asyncpg alone: executemany 126–150k rows/s, COPY 425–523k). The values are the ones executemany would send
    (the same codecs); a violated constraint is raised as SQLAlchemy's IntegrityError, as executemany's is."""
    import asyncpg

    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None
    if not raw.is_in_transaction():  # the session's transaction begins with its first statement
        await connection.exec_driver_sql("SELECT 1")
    attributes = {"db.system": "postgresql", "db.operation.name": "COPY", "db.collection.name": table.name}
    span = tracer().start_as_current_span("COPY postgresql", kind=trace.SpanKind.CLIENT, attributes=attributes)
    try:
        with span:  # COPY passes SQLAlchemy's cursor events by: its span (servicekit.dbtrace) is made here
            await raw.copy_records_to_table(
                table.name, records=records, columns=list(columns), schema_name=table.schema
            )
    except asyncpg.IntegrityConstraintViolationError as e:
        raise IntegrityError(f"COPY {table.name}", None, e) from e
    except asyncpg.PostgresError as e:
        raise DBAPIError(f"COPY {table.name}", None, e) from e


async def upsert_add(
    session: AsyncSession,
    table: Any,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    counter: str | Sequence[str],
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET counter = counter + excluded.counter (for each counter), for
    rows with one row per key: one statement compiled once, run as one executemany (a multi-row VALUES
    with a parameter per value was compiled anew for every batch — a third of the indexer's time per
    batch in bench/e2e.py)."""
    counters = [counter] if isinstance(counter, str) else list(counter)
    await insert_rows(session, table, rows, conflict=keys, add=counters)


_Params = tuple[tuple[str, str], ...]  # (parameter, column) in the driver's order
_updates: dict[tuple[int, str, tuple[str, ...], tuple[str, ...], str | None], tuple[str, _Params]] = {}


def _update_statement(
    dialect: str, table: Table, columns: tuple[str, ...], key: tuple[str, ...], guard: str | None
) -> tuple[str, _Params]:
    """UPDATE … SET `columns` WHERE `key` = … [AND `guard` = …] in the driver's parameter style, and its
    parameters in order as (parameter, column), compiled once."""
    cache_key = (id(table), dialect, columns, key, guard)
    found = _updates.get(cache_key)
    if found is None:
        of = {c: c for c in columns} | {f"where_{k}": k for k in key}
        where = [table.c[k] == bindparam(f"where_{k}") for k in key]
        if guard is not None:
            of["expected_guard"] = guard
            where.append(table.c[guard] == bindparam("expected_guard"))
        stmt = sa_update(table).where(*where).values({c: bindparam(c) for c in columns})
        compiled = stmt.compile(dialect=_driver_dialect(dialect))
        found = _updates[cache_key] = (str(compiled), tuple((p, of[p]) for p in compiled.positiontup or ()))
    return found


async def update_rows(
    session: AsyncSession,
    table: Any,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: Sequence[str],
    guard: str | None = None,
    expected: Sequence[Any] = (),
) -> int | None:
    """UPDATE every row (all with the same keys) by its `key` columns in one executemany, setting its other
    columns; with `guard`, only where the stored `guard` column still holds the row's `expected` value
    (optimistic locking: a row someone else changed meanwhile is left alone). The number of rows updated, or
    None where the driver cannot count an executemany (asyncpg): the caller then reads back what it needs."""
    if not rows:
        return 0
    t: Table = getattr(table, "__table__", table)
    bind = session.get_bind()
    dialect = bind.dialect.name
    columns = tuple(c for c in rows[0] if c not in key)
    sql, order = _update_statement(dialect, t, columns, tuple(key), guard)
    convert = [(param, column, converter(t.c[column].type, dialect)) for param, column in order]
    params = [
        tuple(f(expected[i] if param == "expected_guard" else row[column]) for param, column, f in convert)
        for i, row in enumerate(rows)
    ]
    connection = await session.connection()
    result = await connection.exec_driver_sql(sql, params)
    return result.rowcount if bind.dialect.supports_sane_multi_rowcount else None
