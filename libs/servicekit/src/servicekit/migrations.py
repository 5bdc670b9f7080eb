"""Alembic, driven per service: each service's migrations/env.py calls `run_env`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Literal

from alembic import command, context
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection, make_url

from servicekit.db import DecimalText, JSONText, UTCDateTime, make_engine, normalize_url


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.attributes["url"] = normalize_url(url)
    return cfg


# A new database compares text byte by byte (collation "C"): every key of ours (USCCs, ids, codes) is compared in
# each index descent, and "C" is a memcmp where a locale's collation copies both strings and calls strcoll (a
# lookup and an upsert per row: 8.2–8.4 → 7.2–7.4 µs of the server's CPU, bench/results.md). For UTF-8 text the
# order is the code-point order, the same as C.UTF-8's. Character classes (upper, lower) keep the cluster's.
NEW_DATABASE = "TEMPLATE template0 LC_COLLATE 'C'"


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when it does not exist yet (SQLite: the folder)."""
    u = make_url(normalize_url(url))
    if u.get_backend_name() != "postgresql":
        return
    admin = make_engine(u.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside a transaction
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": u.database})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{u.database}" {NEW_DATABASE}'))
    finally:
        await admin.dispose()


def upgrade(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (blocking; call from a thread inside a loop)."""
    asyncio.run(ensure_database(url))
    command.upgrade(alembic_config(migrations_dir, url), revision)


async def upgrade_async(migrations_dir: Path, url: str, revision: str = "head") -> None:
    await asyncio.to_thread(upgrade, migrations_dir, url, revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")

    def render_item(type_: str, obj: object, autogen_context: AutogenContext) -> str | Literal[False]:
        # Migrations stay plain SQLAlchemy: the UTC decorator is DateTime(timezone=True) in DDL.
        if type_ == "type" and isinstance(obj, UTCDateTime):
            return "sa.DateTime(timezone=True)"
        if type_ == "type" and isinstance(obj, JSONText):
            return "sa.Text()"
        if type_ == "type" and isinstance(obj, DecimalText):
            return f"sa.String(length={getattr(obj.impl_instance, 'length', None)})"
        return False

    def do_run(connection: Connection) -> None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True, render_item=render_item
        )
        with context.begin_transaction():
            context.run_migrations()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    async def online() -> None:
        engine = make_engine(url)
        try:
            async with engine.connect() as conn:
                await conn.run_sync(do_run)
        finally:
            await engine.dispose()

    asyncio.run(online())
