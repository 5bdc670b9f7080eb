"""pytest fixtures: the real broker (one per session) and real databases (SQLite file, PostgreSQL).

Nothing here is a mock: a missing part fails the tests loudly, it never skips them.
The helpers live beside it: databases, services, tokens, waits, data, suites.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.broker import Broker, free_port
from devstack.postgres import create_database, drop_database
from devstack.suite import SERVICES, Suite
from servicekit.app import ServiceSpec
from testkit import docker, fuzzing
from testkit.databases import (
    DB_KINDS,
    DbFactory,
    MigratedDbFactory,
    drop_templates,
    fresh_database,
    migrated_database,
    pg_admin,
)
from testkit.services import current_prefix
from testkit.suites import suite_config


@pytest.fixture(autouse=True)
def test_topic_prefix() -> Iterator[str]:
    """A topic namespace of this test's own on the shared session broker."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    token = current_prefix.set(prefix)
    yield prefix
    current_prefix.reset(token)


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """One Tansu broker for the whole session, on a free port, with every declared topic."""
    b = Broker(free_port(), log_path=tmp_path_factory.mktemp("broker") / "broker.log")
    b.start()
    yield b
    b.stop()


@pytest.fixture(scope="session")
async def _database_templates() -> AsyncIterator[None]:
    yield
    await drop_templates()


async def _dropping(created: list[str]) -> None:
    for url in created:
        if url.startswith("postgresql"):
            await drop_database(await pg_admin(), url)


@pytest.fixture
async def make_db(tmp_path: Path) -> AsyncIterator[DbFactory]:
    """Create fresh, empty databases of a kind ("sqlite" or "postgresql"); PostgreSQL ones are dropped after."""
    created: list[str] = []

    async def factory(kind: str) -> str:
        url = await fresh_database(kind, tmp_path)
        created.append(url)
        return url

    yield factory
    await _dropping(created)


@pytest.fixture
async def migrated_db(tmp_path: Path, _database_templates: None) -> AsyncIterator[MigratedDbFactory]:
    """Create databases with a service's migrations applied (copied from a per-process template)."""
    created: list[str] = []

    async def factory(spec: ServiceSpec, kind: str) -> str:
        url = await migrated_database(spec, kind, tmp_path)
        created.append(url)
        return url

    yield factory
    await _dropping(created)


@pytest.fixture(params=DB_KINDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def suite(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Suite]:
    """The whole suite; SQLite files by default, or PostgreSQL with `indirect` param "postgresql"."""
    kind = getattr(request, "param", "sqlite")
    config = suite_config(tmp_path)
    created: list[str] = []
    admin = ""
    if kind == "postgresql":
        admin = asyncio.run(pg_admin())
        for name in SERVICES:
            url = asyncio.run(create_database(admin, f"e2e_{name}"))
            created.append(url)
            config.extra_env[f"SHUZHUAN_{name.upper()}_DATABASE_URL"] = url
    s = Suite(config, say=lambda _: None)
    try:
        s.start()
        yield s
    finally:
        s.stop()
        for url in created:
            asyncio.run(drop_database(admin, url))


@pytest.fixture
def watched_suite(suite: Suite) -> Iterator[Suite]:
    """The suite with the launcher's watchdog running, as under `make run`."""
    stop = threading.Event()
    t = threading.Thread(target=suite.watch, args=(stop,), daemon=True)
    t.start()
    yield suite
    stop.set()
    t.join(30)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The API fuzzing tally (cases, 5xx, undocumented answers, schema violations), when fuzzing ran; and the
    tests that could not run here (they need a Docker engine), said plainly."""
    lines = fuzzing.summary_lines()
    if lines:
        terminalreporter.section("API fuzzing (schemathesis)")
        for line in lines:
            terminalreporter.write_line(line)
    if docker.NOT_RUN:
        terminalreporter.section("NOT RUN here (not counted as passed)")
        for line in docker.NOT_RUN:
            terminalreporter.write_line(line)
