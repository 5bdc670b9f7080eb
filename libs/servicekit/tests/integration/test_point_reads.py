"""Point reads without the ORM read exactly what SQLAlchemy's own reads return, on SQLite and PostgreSQL; they
never write, and a missing database is an error, not a new empty file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
)

from servicekit.db import DecimalText, JSONText, UTCDateTime, make_engine
from servicekit.pointread import POOL_NAME, PointReader
from testkit.databases import DbFactory, create_tables

metadata = MetaData()
things = Table(
    "point_things",
    metadata,
    Column("id", String(10), primary_key=True),
    Column("kind", String(10)),
    Column("flag", Boolean, nullable=True),
    Column("on_day", Date, nullable=True),
    Column("at", UTCDateTime(), nullable=True),
    Column("amount", DecimalText(16), nullable=True),
    Column("tags", JSONText(), nullable=True),
    Column("n", Integer, nullable=True),
)
ROWS: list[dict[str, Any]] = [
    {"id": "a", "kind": "x", "flag": True, "on_day": date(2026, 12, 1), "at": datetime(2026, 12, 1, 8, 0, 0, 123, UTC),
     "amount": Decimal("12.30"), "tags": ["甲", "b"], "n": 3},
    {"id": "b", "kind": "x", "flag": False, "on_day": date(2027, 1, 5), "at": None, "amount": None, "tags": None,
     "n": 4},
    {"id": "c", "kind": "y", "flag": None, "on_day": None, "at": None, "amount": None, "tags": {"k": 1}, "n": None},
]  # fmt: skip
BY_ID = select(things).where(things.c.id == bindparam("id"))
# A date bound per read, literals (a list and a boolean) compiled into the statement, an aggregate.
COUNTED = select(func.count().label("count"), func.sum(things.c.n).label("total")).where(
    things.c.on_day <= bindparam("day"),
    things.c.kind.in_([literal("x"), literal("z")]),
    things.c.flag.is_not(None) == literal(True),
)


async def filled(make_db: DbFactory, db_kind: str) -> str:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(insert(things), ROWS)
    await engine.dispose()
    return url


async def test_a_point_read_returns_what_sqlalchemy_returns(make_db: DbFactory, db_kind: str) -> None:
    url = await filled(make_db, db_kind)
    engine = make_engine(url)
    reads = PointReader(engine)
    try:
        for row in ROWS:
            async with engine.connect() as conn:
                expected = dict((await conn.execute(BY_ID, {"id": row["id"]})).mappings().one())
            got = await reads.one(BY_ID, {"id": row["id"]})
            assert got == expected == row
            assert got is not None and type(got["flag"]) is type(row["flag"])  # booleans, not SQLite's 0/1
        assert await reads.one(BY_ID, {"id": "nope"}) is None
        assert await reads.one(COUNTED, {"day": date(2026, 12, 31)}) == {"count": 1, "total": 3}
        assert await reads.one(COUNTED, {"day": date(2027, 12, 31)}) == {"count": 2, "total": 7}
        everything = select(things.c.id).order_by(things.c.id.desc())
        assert await reads.all(everything) == [{"id": "c"}, {"id": "b"}, {"id": "a"}]
        with pytest.raises(KeyError, match="day"):
            await reads.one(COUNTED, {})
    finally:
        await reads.close()
        await engine.dispose()


async def test_sqlite_point_reads_never_write_nor_create(make_db: DbFactory, tmp_path: Path) -> None:
    url = await filled(make_db, "sqlite")
    engine = make_engine(url)
    reads = PointReader(engine)
    try:
        await reads.start()
        connection = reads._sqlite
        assert connection is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute("DELETE FROM point_things")
    finally:
        await reads.close()
        await engine.dispose()
    missing = tmp_path / "absent.db"
    absent = make_engine(f"sqlite+aiosqlite:///{missing}")
    await absent.dispose()
    missing.unlink()  # make_engine prepares the file; the reader must not make a new one
    reader = PointReader(absent)
    with pytest.raises(sqlite3.OperationalError):
        await reader.one(BY_ID, {"id": "a"})
    assert not missing.exists()


async def test_postgresql_connections_go_back_to_the_pool_without_a_reset_query(make_db: DbFactory) -> None:
    """asyncpg's default release runs `RESET ALL` and more — a round trip and server work per read. The point
    reader's connections come back as they are: the last statement PostgreSQL saw from each is a read."""
    url = await filled(make_db, "postgresql")
    engine = make_engine(url)
    reads = PointReader(engine, pool_size=1)
    try:
        for row in ROWS:
            assert await reads.one(BY_ID, {"id": row["id"]}) == row
        async with engine.connect() as conn:
            activity = text("SELECT query FROM pg_stat_activity WHERE application_name = :name")
            last = (await conn.execute(activity, {"name": POOL_NAME})).scalars().all()
        assert len(last) == 1 and last[0].startswith("SELECT point_things"), last
    finally:
        await reads.close()
        await engine.dispose()
