"""The relay and the consumers have connections of their own: requests holding every pooled connection of the
service (as they do under load, waiting to write) do not stop the relay from reading and marking its rounds."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import MetaData

from devstack.broker import Broker
from servicekit.app import ServiceSpec, background_engine, build_runtime
from servicekit.db import make_engine
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables
from testkit.databases import DbFactory, create_tables
from testkit.services import settings_for_test

pytestmark = [pytest.mark.broker]


async def test_the_relay_reads_while_requests_hold_every_pooled_connection(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    url = await make_db(db_kind)
    metadata = MetaData()
    tables = runtime_tables(metadata)
    await create_tables(url, metadata)
    spec = ServiceSpec("bg", "bg", "bg", ServiceSettings, metadata, tables, Path("."))
    runtime = build_runtime(spec, settings_for_test(broker, url, service_name="bg"))
    pool = runtime.engine.pool
    try:
        async with contextlib.AsyncExitStack() as requests:
            for _ in range(pool.size() + runtime.engine.pool._max_overflow):  # type: ignore[attr-defined]
                await requests.enter_async_context(runtime.engine.connect())
            assert pool.checkedout() == pool.size() + runtime.engine.pool._max_overflow  # type: ignore[attr-defined]
            # the request engine has no connection left; the relay's own answer at once (sharing the pool,
            # they would wait for the pool's 30 s timeout)
            async with asyncio.timeout(10):
                assert await runtime.relay.backlog() == 0
                assert await runtime.relay.publish_pending() == 0
    finally:
        await runtime.background.dispose()
        await runtime.engine.dispose()


async def test_the_background_connections_have_a_page_cache_of_their_own(make_db: DbFactory) -> None:
    """The consumers' and the relay's SQLite connections get `sqlite_cache_mib`; the requests' keep SQLite's."""
    url = await make_db("sqlite")
    background = background_engine(ServiceSettings(database_url=url, sqlite_cache_mib=48))
    requests = make_engine(url)
    try:
        async with background.connect() as b, requests.connect() as r:
            assert (await b.exec_driver_sql("PRAGMA cache_size")).scalar() == -48 * 1024
            assert (await r.exec_driver_sql("PRAGMA cache_size")).scalar() == -2000  # SQLite's default, 2 MiB
    finally:
        await background.dispose()
        await requests.dispose()


def test_a_page_cache_size_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="sqlite_cache_mib"):
        ServiceSettings(sqlite_cache_mib=-1)
