"""The outbox's queue (servicekit.outbox): every row a unit of work writes is queued in its transaction, the
relay empties the queue without touching the rows, a replay queues history again, and a transaction that
commits after a later one was published is still published (nothing relies on ids committing in order)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from devstack.broker import Broker
from servicekit import outbox
from servicekit.db import make_engine, sessionmaker
from servicekit.kafka import ProducerHolder, ensure_topics
from servicekit.relay import OutboxRelay, mark_for_replay
from servicekit.uow import UnitOfWork, outbox_row
from testkit.data import ping_event_class
from testkit.databases import DbFactory, create_tables
from testkit.messaging import metadata, read_all, tables
from testkit.services import settings_for_test

pytestmark = [pytest.mark.broker]


@contextlib.asynccontextmanager
async def relay_on(broker: Broker, url: str, event: type[Any]) -> AsyncIterator[tuple[AsyncEngine, OutboxRelay]]:
    """A relay that publishes only when the test asks (not started)."""
    await create_tables(url, metadata)
    await ensure_topics(broker.bootstrap, [(event.TOPIC.name, 1)])
    engine = make_engine(url)
    producers = ProducerHolder(settings_for_test(broker, url), [(event.TOPIC.name, 1)])
    try:
        yield engine, OutboxRelay(settings_for_test(broker, url), engine, tables, producers)
    finally:
        await producers.close()
        await engine.dispose()


async def outbox_rows(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(select(tables.outbox).order_by(tables.outbox.c.id))]


async def test_the_relay_empties_the_queue_and_leaves_the_rows_as_written(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    Ping = ping_event_class(partitions=1)
    async with relay_on(broker, await make_db(db_kind), Ping) as (engine, relay):
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            for n in range(50):
                uow.emit(Ping(ping_id=f"k{n % 7}", n=n))
            await uow.commit()
        written = await outbox_rows(engine)
        assert len(written) == 50 and await relay.backlog() == 50
        assert await relay.publish_pending() == 50
        assert await relay.backlog() == 0
        assert await outbox_rows(engine) == written  # published, not rewritten
        assert await mark_for_replay(engine, tables, since=datetime.now(UTC) + timedelta(hours=1)) == 0
        assert await mark_for_replay(engine, tables) == 50
        assert await mark_for_replay(engine, tables) == 0  # already queued: not twice
        assert await relay.publish_pending() == 50
        sent = await read_all(broker.bootstrap, Ping.TOPIC.name, expect=100)
    ids = [dict(r.headers)["ce_id"].decode() for r in sent]
    assert ids == [row[1] for row in written] * 2  # in id order, the replay after the first round


async def test_a_transaction_committing_after_a_later_one_was_published_is_published(
    broker: Broker, make_db: DbFactory
) -> None:
    """PostgreSQL runs writers side by side: a transaction can take a lower id and commit last."""
    Ping = ping_event_class(partitions=1)
    async with relay_on(broker, await make_db("postgresql"), Ping) as (engine, relay):
        sessions = sessionmaker(engine)
        async with sessions() as slow:
            await outbox.write(slow, tables, [outbox_row(Ping(ping_id="slow", n=1))])  # not committed yet
            async with UnitOfWork(sessions, tables) as uow:
                uow.emit(Ping(ping_id="fast", n=2))
                await uow.commit()
            assert await relay.publish_pending() == 1  # only the committed one is visible
            await slow.commit()
        assert await relay.publish_pending() == 1
        assert await relay.backlog() == 0
        sent = await read_all(broker.bootstrap, Ping.TOPIC.name, expect=2)
        rows = await outbox_rows(engine)
    assert [row[3] for row in rows] == ["slow", "fast"]  # the slow one holds the lower id
    assert [r.key for r in sent] == [b"fast", b"slow"]


async def test_events_rendered_before_the_first_write_are_written_at_commit_in_order(
    make_db: DbFactory, db_kind: str
) -> None:
    """A bulk write renders its events' outbox rows before its first write (`UnitOfWork.render`, so that SQLite's
    write lock is held for the writes alone): they are written at commit with the events emitted after, in the
    order emitted, with one time for the transaction; a unit of work left without a commit writes none."""
    Ping = ping_event_class(partitions=1)
    url = await make_db(db_kind)
    await create_tables(url, metadata)
    engine = make_engine(url)
    try:
        sessions = sessionmaker(engine)
        async with UnitOfWork(sessions, tables) as uow:
            uow.emit(Ping(ping_id="a", n=1))
            uow.render()
            uow.emit(Ping(ping_id="b", n=2))
            uow.render()
            uow.render()  # nothing new: nothing twice
        assert await outbox_rows(engine) == []  # left without a commit
        async with UnitOfWork(sessions, tables) as uow:
            for n in range(3):
                uow.emit(Ping(ping_id=f"k{n}", n=n))
            uow.render()
            uow.emit(Ping(ping_id="late", n=9))
            await uow.commit()
        written = await outbox_rows(engine)
        columns = list(tables.outbox.c.keys())
        rows = [dict(zip(columns, row, strict=True)) for row in written]
        assert [r["key"] for r in rows] == ["k0", "k1", "k2", "late"]
        assert len({r["occurred_at"] for r in rows}) == 1
        async with UnitOfWork(sessions, tables) as uow:  # the next transaction starts from nothing rendered
            uow.emit(Ping(ping_id="next", n=10))
            await uow.commit()
        assert [row[columns.index("key")] for row in await outbox_rows(engine)][4:] == ["next"]
    finally:
        await engine.dispose()


async def test_a_round_is_counted_produced_before_it_leaves_the_queue(
    broker: Broker, make_db: DbFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever sees the queue emptied (a readiness check, an operator) sees the round's events counted as
    produced: the counter moves when the broker has acknowledged them, before they are taken off the queue."""
    from prometheus_client import REGISTRY

    Ping = ping_event_class(partitions=1)
    async with relay_on(broker, await make_db("sqlite"), Ping) as (engine, relay):
        labels = {"service": relay.settings.service_name, "type": Ping.TYPE}
        before = REGISTRY.get_sample_value("events_produced_total", labels) or 0.0
        counted_when_marked: list[float] = []
        mark = relay._mark_sent

        async def marking(rows: Any, failure: Any, failed_row: Any) -> None:
            counted_when_marked.append((REGISTRY.get_sample_value("events_produced_total", labels) or 0.0) - before)
            await mark(rows, failure, failed_row)

        monkeypatch.setattr(relay, "_mark_sent", marking)
        async with UnitOfWork(sessionmaker(engine), tables) as uow:
            for n in range(5):
                uow.emit(Ping(ping_id=f"c{n}", n=n))
            await uow.commit()
        assert await relay.publish_pending() == 5
        assert counted_when_marked == [5.0]
