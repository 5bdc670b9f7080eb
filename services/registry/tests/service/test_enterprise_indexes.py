"""The enterprises' indexes after migration 0013: searches walk the primary key, and only the tier keeps an
index, of the enterprises that have one; on both databases, and back again by the downgrade."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

from registry.main import spec
from servicekit.db import make_engine
from servicekit.migrations import alembic_config, upgrade_async
from testkit.data import FULL_ENTERPRISE
from testkit.databases import DbFactory
from testkit.services import service_under_test

SINGLE_COLUMN = {
    "ix_enterprises_district": ["district_code"],
    "ix_enterprises_division": ["industry_division"],
    "ix_enterprises_key_industry": ["key_industry_id"],
    "ix_enterprises_size": ["size_class"],
    "ix_enterprises_tier": ["current_tier"],
}


@contextlib.asynccontextmanager
async def _connected(url: str) -> AsyncIterator[AsyncConnection]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            yield conn
    finally:
        await engine.dispose()


async def _indexes(url: str) -> dict[str, list[str]]:
    async with _connected(url) as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_indexes("enterprises"))
    return {ix["name"]: [str(c) for c in ix["column_names"]] for ix in found if ix["name"]}


async def _tier_condition(url: str, db_kind: str) -> str | None:
    """The condition of the tier's index (None: it indexes every row), as the database holds it."""
    query = (
        "SELECT sql FROM sqlite_master WHERE name = 'ix_enterprises_tier'"
        if db_kind == "sqlite"
        else "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_enterprises_tier'"
    )
    async with _connected(url) as conn:
        definition = str((await conn.execute(text(query))).scalar_one())
    _, where, condition = definition.partition(" WHERE ")
    return condition.strip("() ") if where else None


async def _tier_plan(url: str) -> str:
    """How SQLite finds the enterprises of a tier, for the search's own filter (`current_tier = ?`)."""
    query = "EXPLAIN QUERY PLAN SELECT uscc FROM enterprises WHERE current_tier = :t ORDER BY uscc LIMIT 51"
    async with _connected(url) as conn:
        return " | ".join(str(r[3]) for r in await conn.execute(text(query), {"t": "specialised"}))


async def test_only_the_tier_is_indexed_and_the_downgrade_restores_the_rest(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await upgrade_async(spec.migrations_dir, url)
    assert await _indexes(url) == {"ix_enterprises_tier": ["current_tier"]}
    assert await _tier_condition(url, db_kind) == "current_tier IS NOT NULL"
    if db_kind == "sqlite":  # the partial index serves the search's filter (its condition is implied by it)
        assert "USING INDEX ix_enterprises_tier" in await _tier_plan(url)
    async with service_under_test(spec, url) as svc:
        assert (await svc.client.post("/v1/enterprises", json=FULL_ENTERPRISE)).status_code == 201
        page = (await svc.client.get("/v1/enterprises", params={"tier": "specialised"})).json()
        assert [e["uscc"] for e in page["items"]] == [FULL_ENTERPRISE["uscc"]]

    await asyncio.to_thread(command.downgrade, alembic_config(spec.migrations_dir, url), "0012")
    assert await _indexes(url) == SINGLE_COLUMN
    assert await _tier_condition(url, db_kind) is None
    await upgrade_async(spec.migrations_dir, url)
    assert await _indexes(url) == {"ix_enterprises_tier": ["current_tier"]}
