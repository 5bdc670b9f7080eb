"""The batched relay and consumer keep every guarantee at the sizes they are built for (thousands of
events per round and per transaction): order per key, nothing applied twice, one poison record
dead-lettered alone, and a relay that dies after sending but before marking double-applies nothing."""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer

from devstack.broker import Broker
from servicekit import consumer as consumer_module
from servicekit.kafka import ensure_topics
from servicekit.memory import gc_paused
from testkit.data import ping_event_class
from testkit.databases import DbFactory
from testkit.messaging import COLLECTOR_ON, emit, node, ping_record, read_all, send_raw
from testkit.waits import nothing_in_flight, wait_for

pytestmark = [pytest.mark.broker]


async def test_order_per_key_is_kept_in_large_batches(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    Ping = ping_event_class(partitions=4)
    pings = [(f"k{i % 30}", i) for i in range(6_000)]  # 200 events on each of 30 keys
    COLLECTOR_ON.clear()
    async with (
        node(broker, await make_db(db_kind), Ping, consume=False, relay_batch_size=5_000) as producer,
        node(broker, await make_db(db_kind), Ping, consume=True, consumer_max_records=5_000) as consumer,
    ):
        for start in range(0, len(pings), 1_000):
            await emit(producer, Ping, pings[start : start + 1_000])

        async def all_applied() -> bool:
            return len(await consumer.applied()) >= len(pings)

        await wait_for(all_applied, timeout=60, what="6,000 pings applied")
        await nothing_in_flight([producer.relay], [consumer.consumer])
        got = await consumer.applied()
    assert sorted(n for _, n in got) == [n for _, n in pings]  # each exactly once
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, n in got:
        by_key[key].append(n)
    assert all(ns == sorted(ns) for ns in by_key.values())  # and in order per key
    assert COLLECTOR_ON and not any(COLLECTOR_ON)  # every batch applied with the cyclic collector paused


async def test_a_redelivered_large_batch_is_applied_once(broker: Broker, make_db: DbFactory) -> None:
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    records = [ping_record(Ping, f"k{i % 10}", i) for i in range(3_000)]
    async with node(broker, await make_db("sqlite"), Ping, consume=True, consumer_max_records=5_000) as consumer:
        await send_raw(broker.bootstrap, Ping.TOPIC.name, records)
        await send_raw(broker.bootstrap, Ping.TOPIC.name, records)  # the same events again (same ids)
        await send_raw(broker.bootstrap, Ping.TOPIC.name, [ping_record(Ping, "marker", -1 + 10_000)])

        async def marker() -> bool:
            return ("marker", 9_999) in await consumer.applied()

        await wait_for(marker, timeout=60, what="the marker behind the redelivery applied")
        got = await consumer.applied()
    assert len(got) == 3_001
    assert sorted(n for _, n in got) == [*range(3_000), 9_999]


async def three_thousand_pings_applied(broker: Broker, make_db: DbFactory) -> None:
    """A consumer of a topic of its own applies 3,000 pings sent to it, in polls of up to 5,000 records."""
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    async with node(broker, await make_db("sqlite"), Ping, consume=True, consumer_max_records=5_000) as consumer:
        await send_raw(broker.bootstrap, Ping.TOPIC.name, [ping_record(Ping, f"k{i % 10}", i) for i in range(3_000)])

        async def applied() -> bool:
            return len(await consumer.applied()) >= 3_000

        await wait_for(applied, timeout=60, what="3,000 pings applied")


async def test_the_collector_returns_after_the_polls_objects_are_dropped(
    broker: Broker, make_db: DbFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pause of the cyclic collector ends once a poll's records and events are dropped, so the collector
    comes back with nothing of the batch left to walk (ended while they were alive, the next young pass
    walked all of them: 8 % of the indexer's time)."""
    left: list[int] = []  # objects allocated in the pause and still alive, when it ends

    @contextlib.contextmanager
    def recording() -> Iterator[None]:
        with gc_paused():
            before = gc.get_count()[0]
            yield
            left.append(gc.get_count()[0] - before)

    monkeypatch.setattr(consumer_module, "gc_paused", recording)
    await three_thousand_pings_applied(broker, make_db)
    assert left and sum(left) < 1_000, left  # 3,000 events alive would leave tens of thousands


async def test_a_polls_records_are_built_with_the_collector_paused(
    broker: Broker, make_db: DbFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`getmany` builds the poll's records; a young pass begun among them walked and promoted them all (9 % of a
    consumer), so the fetch runs inside the pause too."""
    collector_on: list[bool] = []  # per fetch that returned records: was the collector on while it ran
    fetch = AIOKafkaConsumer.getmany

    async def recording(self: AIOKafkaConsumer, *partitions: Any, **kwargs: Any) -> Any:
        got = await fetch(self, *partitions, **kwargs)
        if any(got.values()):
            collector_on.append(gc.isenabled())
        return got

    monkeypatch.setattr(AIOKafkaConsumer, "getmany", recording)
    await three_thousand_pings_applied(broker, make_db)
    assert collector_on and not any(collector_on), collector_on


class _Cycle:
    def __init__(self) -> None:
        self.me = self


async def test_garbage_made_while_the_consumer_idles_is_still_collected(broker: Broker, make_db: DbFactory) -> None:
    """The pause covers an empty poll's wait too (≤ 0.5 s), so reference cycles made meanwhile (by the service's
    HTTP requests, on the same loop) wait for the next pass after it: they do not pile up while nothing comes."""
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    async with node(broker, await make_db("sqlite"), Ping, consume=True) as consumer:

        async def idling() -> bool:
            return consumer.consumer.empty_polls >= 2

        await wait_for(idling, timeout=60, what="the consumer idling")
        collected: list[bool] = []
        weakref.finalize(_Cycle(), collected.append, True)  # garbage only the cyclic collector can free

        async def collected_after_more_cycles() -> bool:
            for _ in range(gc.get_threshold()[0] // 20 + 1):  # cycles as requests leave them: a pass falls due
                _Cycle()
            return bool(collected)

        await wait_for(collected_after_more_cycles, timeout=5, what="a cycle made while the consumer idled collected")


async def test_a_poison_record_in_a_large_batch_is_dead_lettered_alone(broker: Broker, make_db: DbFactory) -> None:
    Ping = ping_event_class(partitions=1)
    await ensure_topics(broker.bootstrap, [(Ping.TOPIC.name, 1), (Ping.TOPIC.dlq, 1)])
    records: list[Any] = [ping_record(Ping, f"k{i % 10}", i) for i in range(3_000)]
    records[1_234] = ping_record(Ping, "k4", -7)  # the handler refuses it, every time
    overrides = {"consumer_max_records": 5_000, "consumer_max_retries": 2}
    async with node(broker, await make_db("sqlite"), Ping, consume=True, **overrides) as consumer:
        await send_raw(broker.bootstrap, Ping.TOPIC.name, records)

        async def the_rest_applied() -> bool:
            return len(await consumer.applied()) >= 2_999

        await wait_for(the_rest_applied, timeout=120, what="the 2,999 good pings applied")
        dead = await read_all(broker.bootstrap, Ping.TOPIC.dlq, expect=1)
        await nothing_in_flight([], [consumer.consumer])
        got = await consumer.applied()
    assert sorted(n for _, n in got) == [n for n in range(3_000) if n != 1_234]
    assert len(dead) == 1
    assert dead[0].value == records[1_234][1]
    assert "negative pings cannot be applied" in dict(dead[0].headers)["dlq_error"].decode()


async def test_a_relay_dying_after_sending_and_before_marking_double_applies_nothing(
    broker: Broker, make_db: DbFactory, db_kind: str
) -> None:
    Ping = ping_event_class(partitions=3)
    pings = [(f"k{i % 7}", i) for i in range(2_000)]
    async with (
        node(broker, await make_db(db_kind), Ping, consume=False) as producer,
        node(broker, await make_db(db_kind), Ping, consume=True) as consumer,
    ):
        relay = producer.relay
        real_mark = relay._mark_sent
        crashes = 0

        async def crash_once(*args: Any) -> None:
            nonlocal crashes
            if crashes == 0:
                crashes += 1
                raise ConnectionError("the relay died after the broker took the round")
            await real_mark(*args)

        relay._mark_sent = crash_once  # type: ignore[method-assign, assignment]
        await emit(producer, Ping, pings)

        async def drained() -> bool:
            return await relay.backlog() == 0

        await wait_for(drained, timeout=60, what="the round sent again and marked")
        await nothing_in_flight([relay], [consumer.consumer])
        got = await consumer.applied()
    assert crashes == 1  # the first round was sent and left pending, then sent again
    assert sorted(n for _, n in got) == [n for _, n in pings]  # yet each applied exactly once
