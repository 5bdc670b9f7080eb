"""Outbox → real broker → consumer → read model, on SQLite and PostgreSQL.  No mocks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from devstack.broker import Broker, free_port
from servicekit.kafka import ensure_topics
from servicekit.relay import mark_for_replay
from testkit.data import ping_event_class
from testkit.databases import DbFactory
from testkit.messaging import emit, node, ping_record, read_all, send_raw, tables
from testkit.waits import nothing_in_flight, wait_for

pytestmark = [pytest.mark.broker]


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

        def lag() -> float | None:
            labels = {"service": "metrics-c", "topic": Ping.TOPIC.name, "partition": "0"}
            return REGISTRY.get_sample_value("consumer_lag", labels)

        async def five_and_caught_up() -> bool:
            # The lag is set after a poll's offsets are committed, a moment after its rows are applied
            # (and a poll that read only some of the five leaves a lag above 0 until the next one).
            return len(await consumer.applied()) == 5 and lag() == 0.0

        await wait_for(five_and_caught_up, what="5 applied and a lag of 0 exposed")
        produced = REGISTRY.get_sample_value("events_produced_total", {"service": "metrics-p", "type": Ping.TYPE})
        consumed = REGISTRY.get_sample_value("events_consumed_total", {"service": "metrics-c", "type": Ping.TYPE})
        assert (produced, consumed, lag()) == (5.0, 5.0, 0.0)
