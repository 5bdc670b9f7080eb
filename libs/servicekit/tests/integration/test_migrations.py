"""Every service's migrations build exactly its models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from devstack.postgres import drop_database
from devstack.suite import SERVICES
from servicekit.db import make_engine
from servicekit.migrations import upgrade_async
from testkit.databases import DbFactory, pg_admin


@pytest.mark.parametrize("service", list(SERVICES))
async def test_migrations_match_the_models(service: str, make_db: DbFactory, db_kind: str) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    url = await make_db(db_kind)
    await upgrade_async(spec.migrations_dir, url)
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:

            def diff(sync_conn: Any) -> list[Any]:
                return list(compare_metadata(MigrationContext.configure(sync_conn), spec.metadata))

            assert await conn.run_sync(diff) == [], "models changed without a migration"
    finally:
        await engine.dispose()


async def test_migrate_creates_a_missing_postgresql_database() -> None:
    admin = await pg_admin()
    url = make_url(admin).set(database=f"shuzhuan_new_{uuid.uuid4().hex[:8]}").render_as_string(hide_password=False)
    spec = importlib.import_module("registry.main").spec
    try:
        await upgrade_async(spec.migrations_dir, url)
        await upgrade_async(spec.migrations_dir, url)  # again: nothing to do, no error
        engine = make_engine(url)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            collation = await conn.scalar(text("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
        await engine.dispose()
        assert {"enterprises", "outbox", "inbox", "alembic_version"} <= tables
        assert collation == "C"  # keys compare byte by byte (servicekit.migrations.NEW_DATABASE)
    finally:
        await drop_database(admin, url)
