"""The bulk write path stores exactly what SQLAlchemy's own would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from servicekit.bulk import insert_rows, update_rows, upsert_add
from servicekit.db import DecimalText, JSONText, UTCDateTime, make_engine, sessionmaker
from testkit.databases import DbFactory, create_tables


class Tier(BaseModel):
    tier: str
    since: date


metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", String(10), primary_key=True),
    Column("n", Integer, nullable=True),
    Column("flag", Boolean, nullable=True),
    Column("on_day", Date, nullable=True),
    Column("at", UTCDateTime(), nullable=True),
    Column("amount", DecimalText(16), nullable=True),
    Column("tiers", JSONText(list[Tier]), nullable=True),
    Column("changes", JSONText(), nullable=True),
    Column("version", Integer, nullable=False),
)

AT = datetime(2026, 12, 1, 8, 30, 0, tzinfo=timezone(timedelta(hours=8)))  # 00:30 UTC, no microseconds


def row(key: str, version: int = 1, **over: Any) -> dict[str, Any]:
    values = {
        "id": key,
        "n": 7,
        "flag": True,
        "on_day": date(2026, 1, 2),
        "at": AT,
        "amount": Decimal("1234.50"),
        "tiers": [Tier(tier="specialised", since=date(2025, 5, 1))],
        "changes": {"revenue_yuan": {"before": None, "after": "1234.5"}, "tiers": []},
        "version": version,
    }
    return values | over


async def test_the_same_row_written_both_ways_reads_back_the_same(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as s:
            await insert_rows(s, things, [row("bulk"), row("bulk-nulls", n=None, at=None, amount=None, tiers=None)])
            await s.execute(insert(things), [row("orm"), row("orm-nulls", n=None, at=None, amount=None, tiers=None)])
            await s.commit()
            got = {r.id: r._mapping for r in await s.execute(select(things))}
            if db_kind == "sqlite":  # byte for byte the same text in the file
                raw = {r[0]: tuple(r[1:]) for r in await s.execute(text("SELECT * FROM things"))}
                assert raw["bulk"] == raw["orm"] and raw["bulk-nulls"] == raw["orm-nulls"]
        for a, b in (("bulk", "orm"), ("bulk-nulls", "orm-nulls")):
            assert {k: v for k, v in got[a].items() if k != "id"} == {k: v for k, v in got[b].items() if k != "id"}
        assert got["bulk"]["at"] == AT and got["bulk"]["tiers"][0].since == date(2025, 5, 1)
        assert got["bulk"]["amount"] == Decimal("1234.50")
    finally:
        await engine.dispose()


async def test_a_plain_insert_belongs_to_the_sessions_transaction(make_db: DbFactory, db_kind: str) -> None:
    """On PostgreSQL a plain insert goes by COPY on the session's connection: as the first statement of a
    transaction it is still rolled back with it, and a duplicate key is SQLAlchemy's IntegrityError (routes
    turn that into 409), leaving nothing of its batch."""
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as s:
            await insert_rows(s, things, [row("x1"), row("x2")])  # the first statement of the transaction
            await s.rollback()
            await insert_rows(s, things, [row("kept")])
            await s.commit()
            with pytest.raises(IntegrityError):
                await insert_rows(s, things, [row("new"), row("kept")])
            await s.rollback()
            await insert_rows(s, things, [row(f"r{i}") for i in range(2_500)])
            await s.commit()
            got = set((await s.execute(select(things.c.id))).scalars())
        assert got == {"kept", *(f"r{i}" for i in range(2_500))}
    finally:
        await engine.dispose()


async def test_conflicts_keep_or_update_only_newer_rows(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as s:
            written = [await insert_rows(s, things, [row("a", version=2, n=1), row("b", version=1, n=1)])]
            kept = [row("a", version=9, n=2), row("c", version=1, n=2)]
            written.append(await insert_rows(s, things, kept, conflict=["id"]))  # a kept (do nothing), c new
            update = ["n", "version"]
            older, newer = [row("a", version=1, n=3)], [row("b", version=5, n=4)]
            written.append(await insert_rows(s, things, older, conflict=["id"], update=update, newer="version"))
            written.append(await insert_rows(s, things, newer, conflict=["id"], update=update, newer="version"))
            await s.commit()
            got = {r.id: (r.n, r.version) for r in await s.execute(select(things))}
        assert got == {"a": (1, 2), "b": (4, 5), "c": (2, 1)}  # an older version never overwrites a newer one
        assert written == [2, 1, 0, 1]  # the rows the database wrote: none that a conflict left alone
    finally:
        await engine.dispose()


async def test_guarded_updates_store_what_sqlalchemy_would_and_skip_moved_rows(
    make_db: DbFactory, db_kind: str
) -> None:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    later = AT + timedelta(days=3)
    changed = {"n": 8, "at": later, "amount": Decimal("0.10"), "tiers": [], "changes": {"n": 8}}
    try:
        async with sessionmaker(engine)() as s:
            await insert_rows(s, things, [row(k, version=1) for k in ("bulk", "orm", "moved")])
            # "moved" was changed by someone else: its stored version is no longer the one expected
            await s.execute(update(things).where(things.c.id == "moved").values(version=2))
            new = [row(k, version=2) | changed for k in ("bulk", "moved")]
            updated = await update_rows(s, things, new, key=["id"], guard="version", expected=[1, 1])
            await s.execute(update(things).where(things.c.id == "orm").values(row("orm", version=2) | changed))
            await s.commit()
            got = {r.id: r._mapping for r in await s.execute(select(things))}
        assert updated == (1 if db_kind == "sqlite" else None)  # asyncpg cannot count an executemany
        assert {k: v for k, v in got["bulk"].items() if k != "id"} == {k: v for k, v in got["orm"].items() if k != "id"}
        assert got["bulk"]["at"] == later and got["bulk"]["amount"] == Decimal("0.10")
        assert (got["moved"]["n"], got["moved"]["version"]) == (7, 2)  # left as the other writer left it
    finally:
        await engine.dispose()


async def test_a_naive_time_is_refused(make_db: DbFactory) -> None:
    url = await make_db("sqlite")
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as s:
            with pytest.raises(ValueError, match="naive datetime"):
                await insert_rows(s, things, [row("x", at=datetime(2026, 1, 1))])
    finally:
        await engine.dispose()


def test_utc_is_used_for_every_time() -> None:
    from servicekit.bulk import _sqlite_time

    assert _sqlite_time(AT) == "2026-12-01 00:30:00.000000"
    assert _sqlite_time(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01 00:00:00.000000"
    parsed = TypeAdapter(datetime).validate_json  # the time zone pydantic gives an event's time
    assert _sqlite_time(parsed('"2026-12-05T08:32:34.606468+08:00"')) == "2026-12-05 00:32:34.606468"
    assert _sqlite_time(parsed('"2026-12-31T19:00:00.5-05:30"')) == "2027-01-01 00:30:00.500000"
    assert _sqlite_time(parsed('"2026-12-05T02:32:34Z"')) == "2026-12-05 02:32:34.000000"
    assert _sqlite_time(parsed('"0999-01-01T05:00:00+08:00"')) == "0998-12-31 21:00:00.000000"


counters = Table(
    "counters",
    metadata,
    Column("unit", String(8), primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("a", Integer, nullable=False),
    Column("b", Integer, nullable=False),
)


async def test_counters_are_added_to_what_is_stored(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        batches = [
            [{"unit": "500103", "kind": "x", "a": 2, "b": 0}, {"unit": "500104", "kind": "x", "a": 1, "b": 1}],
            [{"unit": "500103", "kind": "x", "a": -1, "b": 5}, {"unit": "500103", "kind": "y", "a": 3, "b": 3}],
        ]
        for rows in batches:  # one transaction per batch, as a consumer's
            async with sessionmaker(engine)() as session:
                await upsert_add(session, counters, rows, ["unit", "kind"], ["a", "b"])
                await session.commit()
        async with engine.connect() as conn:
            stored = {(r.unit, r.kind): (r.a, r.b) for r in await conn.execute(select(counters))}
        assert stored == {("500103", "x"): (1, 5), ("500104", "x"): (1, 1), ("500103", "y"): (3, 3)}
    finally:
        await engine.dispose()


async def test_a_batch_holding_a_key_twice_is_applied_row_after_row(make_db: DbFactory, db_kind: str) -> None:
    """On PostgreSQL an upsert goes as one statement over arrays (unnest), and one statement may not update a
    row twice: a batch holding a key twice is applied row after row, as it always was."""
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as s:
            twice = [{"unit": "500103", "kind": "x", "a": 2, "b": 1}, {"unit": "500103", "kind": "x", "a": 3, "b": 1}]
            await upsert_add(s, counters, twice, ["unit", "kind"], ["a", "b"])
            update = ["n", "version"]
            versions = [row("a", version=2, n=2), row("a", version=3, n=3), row("a", version=1, n=1)]
            await insert_rows(s, things, versions, conflict=["id"], update=update, newer="version")
            await insert_rows(s, things, [row("b", n=1), row("b", n=2)], conflict=["id"])  # the first is kept
            await s.commit()
            got = {r.id: (r.n, r.version) for r in await s.execute(select(things))}
            stored = [(r.a, r.b) for r in await s.execute(select(counters))]
        assert got == {"a": (3, 3), "b": (1, 1)}
        assert stored == [(5, 2)]
    finally:
        await engine.dispose()
