"""PostgreSQL's planner statistics follow a table filled in bulk from empty: the bulk writes ANALYZE it as it
grows (servicekit.planner_stats), so lookups are planned for the table as it is, not as it was."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, select, text

from servicekit import planner_stats
from servicekit.bulk import insert_rows
from servicekit.db import sessionmaker
from testkit.databases import DbFactory, engine_on_tables

metadata = MetaData()
grown = Table(
    "grown", metadata, Column("owner", String(20), primary_key=True), Column("id", String(20), primary_key=True)
)
unrelated = Table("unrelated", metadata, Column("id", Integer, primary_key=True))
held = Table("held", metadata, Column("id", Integer, primary_key=True))


async def estimated_rows(session: Any, query: Any) -> int:
    compiled = query.compile(dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = (await session.execute(text(f"EXPLAIN (FORMAT JSON) {compiled}"))).scalar()
    return int(plan[0]["Plan"]["Plan Rows"])


async def test_a_table_filled_in_bulk_is_analysed_as_it_grows(make_db: DbFactory) -> None:
    async with engine_on_tables(await make_db("postgresql"), metadata) as engine:
        sessions = sessionmaker(engine)
        async with sessions() as session:
            await session.execute(text("ALTER TABLE grown SET (autovacuum_enabled = false)"))
            await session.execute(text("ANALYZE grown"))  # the statistics of an empty table, as after a migration
            await session.commit()
        for start in range(0, 60_000, 10_000):  # one provider's first upload, in batches
            async with sessions() as session:
                rows = [{"owner": "pv_1", "id": f"r{i:06d}"} for i in range(start, start + 10_000)]
                await insert_rows(session, grown, rows)
                await session.commit()
        async with sessions() as session:
            counted = await session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'grown'"))
            of_the_provider = await estimated_rows(session, select(grown).where(grown.c.owner == "pv_1"))
            bounds = await session.scalar(
                text(
                    "SELECT array_length(histogram_bounds::text::text[], 1) FROM pg_stats "
                    "WHERE tablename = 'grown' AND attname = 'id'"
                )
            )
    assert counted is not None and counted >= 30_000, counted  # analysed on the way, not left at empty
    # The planner knows the provider holds every row (with the empty table's statistics it guessed 0.5 %: and
    # hashed "those few" rows for every lookup by record id).
    assert of_the_provider >= 50_000, of_the_provider
    # A light sample (statistics target 10: an 11-bound histogram), not PostgreSQL's 30,000 rows (101 bounds).
    assert bounds is not None and bounds <= planner_stats.SAMPLE_TARGET + 1, bounds


async def test_small_writes_do_not_analyse(make_db: DbFactory) -> None:
    async with engine_on_tables(await make_db("postgresql"), metadata) as engine, sessionmaker(engine)() as session:
        await insert_rows(session, unrelated, [{"id": i} for i in range(planner_stats.MIN_ROWS - 1)])
        assert not await planner_stats.rows_written(session, unrelated, 0)
        assert await planner_stats.rows_written(session, unrelated, 1)  # the MIN_ROWS-th row
        assert not await planner_stats.rows_written(session, unrelated, 1)


async def test_an_analyse_held_by_another_transaction_is_skipped_not_waited_for(make_db: DbFactory) -> None:
    async with engine_on_tables(await make_db("postgresql"), metadata) as engine:
        sessions = sessionmaker(engine)
        async with sessions() as other, sessions() as writer:
            await other.execute(text("ANALYZE held"))  # its lock on the table is held until that transaction ends
            async with asyncio.timeout(10):  # (without SKIP_LOCKED: waits for `other`, which never ends here)
                assert await planner_stats.rows_written(writer, held, planner_stats.MIN_ROWS)
            await writer.commit()
            await other.rollback()
