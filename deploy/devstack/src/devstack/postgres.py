"""Find PostgreSQL for the tests (127.0.0.1:5432 by default) or start an embedded one (pgserver)."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from servicekit.db import make_engine, normalize_url
from servicekit.migrations import NEW_DATABASE

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
_embedded: object | None = None  # keeps the pgserver handle alive for the process


async def _answers(url: str) -> bool:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            async with asyncio.timeout(5):
                await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        await engine.dispose()


async def find_or_start_postgres(var_dir: Path) -> str:
    """URL of an administrative database on a running PostgreSQL.

    SHUZHUAN_TEST_POSTGRES_URL if set (must answer); else 127.0.0.1:5432; else an embedded server
    from the `pgserver` wheel with its data under var/pgdata (a fresh machine needs nothing else).
    """
    global _embedded
    configured = os.environ.get("SHUZHUAN_TEST_POSTGRES_URL")
    if configured:
        url = normalize_url(configured)
        if not await _answers(url):
            raise ConnectionError(f"SHUZHUAN_TEST_POSTGRES_URL={configured} does not answer")
        return url
    if await _answers(DEFAULT_URL):
        return DEFAULT_URL
    import pgserver  # only needed where no server runs

    data = var_dir / "pgdata"
    data.mkdir(parents=True, exist_ok=True)
    _embedded = server = await asyncio.to_thread(pgserver.get_server, str(data), cleanup_mode=None)
    url = normalize_url(server.get_uri())
    if not await _answers(url):
        raise ConnectionError(f"embedded PostgreSQL in {data} does not answer at {url}")
    return url


async def create_database(admin_url: str, prefix: str = "shuzhuan_test", template: str | None = None) -> str:
    """Create a fresh, uniquely named database (a copy of `template`, if given, which keeps its collation);
    return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = make_engine(admin_url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            copy = f'TEMPLATE "{template}"' if template else NEW_DATABASE
            await conn.execute(text(f'CREATE DATABASE "{name}" {copy}'))
    finally:
        await engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    engine = make_engine(admin_url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()
