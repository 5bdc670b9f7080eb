"""Real databases for tests: fresh SQLite files and PostgreSQL databases, migrated from a per-process
template so a test pays a file copy (SQLite) or a CREATE DATABASE … TEMPLATE (PostgreSQL), not the
migrations."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from sqlalchemy import MetaData
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from devstack.postgres import create_database, drop_database, find_or_start_postgres
from servicekit.app import ServiceSpec
from servicekit.db import make_engine
from servicekit.migrations import upgrade_async
from servicekit.settings import project_root

DB_KINDS = ["sqlite", "postgresql"]
DbFactory = Callable[[str], Awaitable[str]]
MigratedDbFactory = Callable[[ServiceSpec, str], Awaitable[str]]

_pg_admin: list[str] = []
_templates: dict[tuple[str, str], str] = {}  # (service, kind) → template URL (a file path for SQLite)
_template_lock = asyncio.Lock()


async def pg_admin() -> str:
    """The administrative PostgreSQL URL, found (or started) once per process."""
    if not _pg_admin:
        _pg_admin.append(await find_or_start_postgres(project_root() / "var"))
    return _pg_admin[0]


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / (uuid.uuid4().hex[:8] + '.db')}"


async def fresh_database(kind: str, folder: Path) -> str:
    """An empty database of a kind ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        return sqlite_url(folder)
    if kind == "postgresql":
        return await create_database(await pg_admin())
    raise ValueError(f"unknown database kind {kind!r}")


async def _template(spec: ServiceSpec, kind: str) -> str:
    """The service's migrated template database of this kind, made once per process."""
    key = (spec.name, kind)
    async with _template_lock:
        if key not in _templates:
            folder = Path(tempfile.mkdtemp(prefix="shuzhuan-templates-"))
            url = await fresh_database(kind, folder) if kind == "postgresql" else sqlite_url(folder)
            await upgrade_async(spec.migrations_dir, url)
            _templates[key] = url
    return _templates[key]


async def migrated_database(spec: ServiceSpec, kind: str, folder: Path) -> str:
    """A fresh database of a kind with the service's migrations applied (copied from its template)."""
    template = await _template(spec, kind)
    if kind == "sqlite":
        target = folder / f"{spec.name}-{uuid.uuid4().hex[:8]}.db"
        source = make_url(template).database
        assert source is not None
        await asyncio.to_thread(shutil.copyfile, source, target)
        return f"sqlite+aiosqlite:///{target}"
    return await create_database(await pg_admin(), template=make_url(template).database)


async def drop_templates() -> None:
    """Drop the PostgreSQL templates made by this process (SQLite ones are temporary files)."""
    for (_, kind), url in list(_templates.items()):
        if kind == "postgresql":
            await drop_database(await pg_admin(), url)
    _templates.clear()


async def create_tables(url: str, metadata: MetaData) -> None:
    """Tests only: create a test schema directly (services use their migrations)."""
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    await engine.dispose()


@contextlib.asynccontextmanager
async def engine_on_tables(url: str, metadata: MetaData) -> AsyncIterator[AsyncEngine]:
    """Tests only: the tables of `metadata` created in `url`, and a service engine on it (disposed after)."""
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def wal_frames(path: str) -> int:
    """How many frames the SQLite file's WAL holds now (a passive checkpoint reports it)."""
    check = sqlite3.connect(path)
    try:
        return int(check.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        check.close()
