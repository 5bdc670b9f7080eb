"""Bulk writes (a pushed batch, an import) on SQLite share one connection of their own with a large page cache
(servicekit.app.bulk_engine); one that waits for it too long is answered 503 with Retry-After."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import ValidationError
from sqlalchemy import MetaData

from servicekit.app import bulk_engine
from servicekit.db import make_engine, sessionmaker
from servicekit.errors import Busy
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables
from servicekit.uow import BulkUnitOfWork
from testkit.databases import DbFactory


async def test_bulk_writes_have_one_connection_with_a_page_cache_of_its_own(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    requests = make_engine(url)
    bulk = bulk_engine(ServiceSettings(database_url=url, sqlite_bulk_cache_mib=40), requests)
    try:
        if db_kind == "postgresql":  # the server keeps the cache: bulk writes use the requests' pool
            assert bulk is requests
            return
        assert bulk is not requests
        assert (bulk.pool.size(), bulk.pool._max_overflow) == (1, 0)  # type: ignore[attr-defined]
        async with bulk.connect() as b, requests.connect() as r:
            assert (await b.exec_driver_sql("PRAGMA cache_size")).scalar() == -40 * 1024
            assert (await r.exec_driver_sql("PRAGMA cache_size")).scalar() == -2000  # SQLite's default, 2 MiB
    finally:
        if bulk is not requests:
            await bulk.dispose()
        await requests.dispose()


async def test_a_bulk_write_waits_for_the_one_ahead_then_gives_up_busy(make_db: DbFactory) -> None:
    """The second bulk unit of work waits while the first holds the connection and gets it when the first ends;
    one that would wait longer than `bulk_wait_s` is refused with Busy (503, Retry-After)."""
    url = await make_db("sqlite")
    requests = make_engine(url)
    bulk = bulk_engine(ServiceSettings(database_url=url, bulk_wait_s=5), requests)
    impatient = bulk_engine(ServiceSettings(database_url=url, bulk_wait_s=0.2), requests)
    tables = runtime_tables(MetaData())
    try:
        first = BulkUnitOfWork(sessionmaker(bulk), tables, wait_s=5)
        second = BulkUnitOfWork(sessionmaker(bulk), tables, wait_s=5)
        async with first:
            waiting = asyncio.create_task(second.__aenter__())
            for _ in range(20):  # loop turns, not time: the task runs until it waits for the one connection
                await asyncio.sleep(0)
            assert not waiting.done()  # the one connection is the first's
        async with asyncio.timeout(5):
            assert await waiting is second  # and the second's once the first has ended
        await second.__aexit__(None, None, None)

        held = BulkUnitOfWork(sessionmaker(impatient), tables, wait_s=0.2)
        async with held:
            with pytest.raises(Busy) as refused:
                async with BulkUnitOfWork(sessionmaker(impatient), tables, wait_s=0.2):
                    pass
        assert refused.value.status_code == 503 and refused.value.headers == {"Retry-After": "1"}
    finally:
        await bulk.dispose()
        await impatient.dispose()
        await requests.dispose()


def test_bulk_settings_out_of_range_are_refused() -> None:
    with pytest.raises(ValidationError, match="sqlite_bulk_cache_mib"):
        ServiceSettings(sqlite_bulk_cache_mib=5000)
    with pytest.raises(ValidationError, match="bulk_wait_s"):
        ServiceSettings(bulk_wait_s=0)
