"""Two 'services' around a test-only event on the real broker: a producing node (outbox and relay)
and a consuming one (consumer, inbox, a read model that appends a row per application, so a double
application shows as a second row); and raw records for what a broken producer might send."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from contracts.envelope import Event
from devstack.broker import Broker
from servicekit.codec import Envelope, encode
from servicekit.consumer import ConsumerRunner, Received, Subscription
from servicekit.db import make_engine, sessionmaker
from servicekit.kafka import ProducerHolder
from servicekit.relay import OutboxRelay
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables
from servicekit.uow import UnitOfWork
from testkit.databases import create_tables
from testkit.services import settings_for_test

metadata = MetaData()
tables = runtime_tables(metadata)
# Every application of an event appends a row: a double application shows as a second row.
applied = Table(
    "applied",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("ping_id", String(40), nullable=False),
    Column("n", Integer, nullable=False),
)


@dataclass
class Node:
    """One 'service': its database, producer, relay and (optionally) consumer."""

    settings: ServiceSettings
    relay: OutboxRelay
    consumer: ConsumerRunner
    producers: ProducerHolder

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.consumer.sessions, tables, on_commit=self.relay.wake)

    async def applied(self) -> list[tuple[str, int]]:
        async with self.relay.engine.connect() as conn:
            return [(r.ping_id, r.n) for r in await conn.execute(select(applied).order_by(applied.c.seq))]


COLLECTOR_ON: list[bool] = []  # per applied batch: was the cyclic garbage collector on (servicekit.memory.gc_paused)


async def apply_pings(uow: UnitOfWork, events: list[Received[Any]]) -> None:
    COLLECTOR_ON.append(gc.isenabled())
    if any(e.payload.n < 0 for e in events):
        raise ValueError("negative pings cannot be applied")
    await uow.session.execute(insert(applied), [{"ping_id": e.payload.ping_id, "n": e.payload.n} for e in events])


@contextlib.asynccontextmanager
async def node(broker: Broker, url: str, event: type[Event], *, consume: bool, **overrides: Any) -> AsyncIterator[Node]:
    await create_tables(url, metadata)
    settings = settings_for_test(broker, url, **overrides)
    engine = make_engine(url)
    topics = [(event.TOPIC.name, event.TOPIC.partitions), (event.TOPIC.dlq, 1)]
    producers = ProducerHolder(settings, topics)
    relay = OutboxRelay(settings, engine, tables, producers)
    subs: Sequence[Subscription] = [Subscription(event, apply_pings)] if consume else []
    consumer = ConsumerRunner(settings, sessionmaker(engine), tables, subs, producers)
    relay.start()
    consumer.start()
    try:
        yield Node(settings, relay, consumer, producers)
    finally:
        await consumer.stop()
        await relay.stop()
        await producers.close()
        await engine.dispose()


async def emit(n: Node, event: type[Event], pings: list[tuple[str, int]]) -> None:
    async with n.uow() as uow:
        for ping_id, value in pings:
            uow.emit(event(ping_id=ping_id, n=value))
        await uow.commit()


async def send_raw(bootstrap: str, topic: str, records: list[tuple[bytes | None, bytes | None, list[Any]]]) -> None:
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False, acks="all")
    await p.start()
    try:
        for key, value, headers in records:
            await p.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await p.stop()


def ping_record(event: type[Event], ping_id: str, n: int, event_id: str | None = None) -> Any:
    env = Envelope(
        id=event_id or str(uuid.uuid4()),
        type=event.TYPE,
        source="/test",
        time=datetime.now(UTC),
        subject=ping_id,
        data={"ping_id": ping_id, "n": n},
        dataschema=event.dataschema(),
        key=ping_id,
    )
    return encode(env)


async def read_topic(bootstrap: str, topic: str, partitions: int, expect: int, timeout: float = 20) -> list[Any]:
    """The records of every partition of `topic` from its start, until `expect` have come or `timeout` passed."""
    c = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await c.start()
    try:
        c.assign([TopicPartition(topic, p) for p in range(partitions)])
        out: list[Any] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while len(out) < expect and asyncio.get_running_loop().time() < deadline:
            for batch in (await c.getmany(timeout_ms=250)).values():
                out += batch
        return out
    finally:
        await c.stop()


async def read_all(bootstrap: str, topic: str, expect: int, timeout: float = 20) -> list[Any]:
    """The records of a one-partition topic (a DLQ) from its start."""
    return await read_topic(bootstrap, topic, 1, expect, timeout)
