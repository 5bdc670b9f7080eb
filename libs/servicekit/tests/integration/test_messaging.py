"""Outbox → real broker → consumer → read model, on SQLite and PostgreSQL.  No mocks."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from contracts.envelope import Event
from devstack.broker import Broker, free_port
from servicekit.codec import Envelope, encode
from servicekit.consumer import ConsumerRunner, Received, Subscription
from servicekit.db import make_engine, sessionmaker
from servicekit.kafka import ProducerHolder, ensure_topics
from servicekit.relay import OutboxRelay, mark_for_replay
from servicekit.settings import ServiceSettings
from servicekit.tables import runtime_tables
from servicekit.uow import UnitOfWork
from testkit.data import ping_event_class
from testkit.databases import DbFactory, create_tables
from testkit.services import settings_for_test
from testkit.waits import nothing_in_flight, wait_for

pytestmark = [pytest.mark.broker]

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


async def apply_pings(uow: UnitOfWork, events: list[Received[Any]]) -> None:
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


async def test_outbox_to_read_model_in_order_exactly_once(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    Ping = ping_event_class(partitions=3)
    pings = [(f"p{i % 7}", i) for i in range(60)]
    async with (
        node(broker, await make_db(db_kind), Ping, consume=False) as producer,
        node(broker, await make_db(db_kind), Ping, consume=True) as consumer,
    ):
        for chunk in range(0, 60, 20):
            await emit(producer, Ping, pings[chunk : chunk + 20])

        async def all_applied() -> bool:
            return len(await consumer.applied()) >= 60

        await wait_for(all_applied, what="60 pings applied")
        await nothing_in_flight([producer.relay], [consumer.consumer])  # a double application shows by now
        got = await consumer.applied()
        assert sorted(got, key=lambda p: p[1]) == pings  # each exactly once
        for key in {p for p, _ in pings}:  # order kept per key
            ns = [n for p, n in got if p == key]
            assert ns == sorted(ns)
        assert await producer.relay.backlog() == 0


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


async def test_the_same_event_delivered_again_changes_the_read_model_once(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    same_id = str(uuid.uuid4())
    async with node(broker, await make_db(db_kind), Ping, consume=True) as consumer:
        await send_raw(broker.bootstrap, Ping.TOPIC.name, [ping_record(Ping, "dup", 1, same_id)])

        async def first_applied() -> bool:
            return len(await consumer.applied()) == 1

        await wait_for(first_applied, what="first delivery applied")
        # Redelivered later (separate batch) and twice within one batch, then a marker behind them.
        await send_raw(
            broker.bootstrap,
            Ping.TOPIC.name,
            [ping_record(Ping, "dup", 1, same_id), ping_record(Ping, "dup", 1, same_id), ping_record(Ping, "dup", 2)],
        )

        async def marker_applied() -> bool:
            return (("dup", 2)) in await consumer.applied()

        await wait_for(marker_applied, what="marker applied")
        assert await consumer.applied() == [("dup", 1), ("dup", 2)]


async def read_all(bootstrap: str, topic: str, expect: int, timeout: float = 20) -> list[Any]:
    c = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await c.start()
    try:
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        await c.seek_to_beginning(tp)
        out: list[Any] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while len(out) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await c.getmany(tp, timeout_ms=500)
            out += batch.get(tp, [])
        return out
    finally:
        await c.stop()


async def test_poison_messages_go_to_the_dlq_and_consumption_continues(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    key, good_value, headers = ping_record(Ping, "k", 1)
    _, _, other_headers = ping_record(Ping, "k", 0)
    bad_json = (key, b"{not json", other_headers)
    _, _, h3 = ping_record(Ping, "k", 0)
    wrong_payload = (key, b'{"ping_id": "k"}', h3)  # n missing
    handler_fails = ping_record(Ping, "k", -5)  # the handler raises on it, every time
    async with node(broker, await make_db(db_kind), Ping, consume=True, consumer_max_retries=2) as consumer:
        await send_raw(
            broker.bootstrap,
            Ping.TOPIC.name,
            [bad_json, wrong_payload, handler_fails, (key, good_value, headers), ping_record(Ping, "k", 2)],
        )

        async def good_ones_applied() -> bool:
            return len(await consumer.applied()) == 2

        await wait_for(good_ones_applied, what="the two good pings applied")
        assert await consumer.applied() == [("k", 1), ("k", 2)]
        dead = await read_all(broker.bootstrap, Ping.TOPIC.dlq, expect=3)
        errors = [dict(r.headers)["dlq_error"].decode() for r in dead]
        assert len(dead) == 3
        assert "value is not JSON" in errors[0]
        assert "payload does not match" in errors[1] and "n" in errors[1]
        assert "negative pings cannot be applied" in errors[2]
        assert [dict(r.headers)["dlq_source_topic"] for r in dead] == [Ping.TOPIC.name.encode()] * 3
        assert dead[2].value == handler_fails[1]  # the original record, unchanged
        # and it keeps consuming afterwards
        await send_raw(broker.bootstrap, Ping.TOPIC.name, [ping_record(Ping, "k", 3)])

        async def third_applied() -> bool:
            return len(await consumer.applied()) == 3

        await wait_for(third_applied, what="a later ping applied")


async def test_relay_survives_broker_stop_and_start_nothing_lost(
    make_db: DbFactory, db_kind: str, tmp_path: Any
) -> None:
    own = Broker(free_port(), log_path=tmp_path / "broker.log")
    Ping = ping_event_class(partitions=2)
    own.start(topics=[(Ping.TOPIC.name, 2), (Ping.TOPIC.dlq, 1)])
    try:
        async with node(own, await make_db(db_kind), Ping, consume=False) as producer:
            await emit(producer, Ping, [(f"a{i}", i) for i in range(10)])

            async def drained() -> bool:
                return await producer.relay.backlog() == 0

            await wait_for(drained, what="first 10 published")
            own.stop()
            # The broker is away: writes still succeed, the backlog grows.
            await emit(producer, Ping, [(f"b{i}", 10 + i) for i in range(10)])

            async def failing() -> bool:
                return producer.relay.last_error is not None

            await wait_for(failing, what="the relay to notice the broker is gone")
            assert await producer.relay.backlog() == 10
            await own.start_async(topics=[])  # a fresh, empty in-memory broker on the same port
            await wait_for(drained, timeout=60, what="backlog drained after the broker returned")
            # The fresh broker lost the first 10: replay the whole outbox.
            assert await mark_for_replay(producer.relay.engine, tables) == 20
            producer.relay.wake()
            await wait_for(drained, what="replay published")
            async with node(own, await make_db(db_kind), Ping, consume=True) as consumer:

                async def twenty() -> bool:
                    return len(await consumer.applied()) >= 20

                await wait_for(twenty, what="all 20 pings in the rebuilt read model")
                await nothing_in_flight([producer.relay], [consumer.consumer])
                got = sorted(n for _, n in await consumer.applied())
                assert got == list(range(20))
    finally:
        own.stop()


async def test_consumer_lag_and_counters_are_exposed(broker: Broker, make_db: DbFactory) -> None:
    from prometheus_client import REGISTRY

    Ping = ping_event_class(partitions=1)
    async with (
        node(broker, await make_db("sqlite"), Ping, consume=False, service_name="metrics-p") as producer,
        node(broker, await make_db("sqlite"), Ping, consume=True, service_name="metrics-c") as consumer,
    ):
        await emit(producer, Ping, [("m", i) for i in range(5)])

        async def five() -> bool:
            return len(await consumer.applied()) == 5

        await wait_for(five, what="5 applied")
        produced = REGISTRY.get_sample_value("events_produced_total", {"service": "metrics-p", "type": Ping.TYPE})
        consumed = REGISTRY.get_sample_value("events_consumed_total", {"service": "metrics-c", "type": Ping.TYPE})
        lag = REGISTRY.get_sample_value(
            "consumer_lag", {"service": "metrics-c", "topic": Ping.TOPIC.name, "partition": "0"}
        )
        assert (produced, consumed, lag) == (5.0, 5.0, 0.0)
