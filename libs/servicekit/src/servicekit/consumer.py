"""Consumer runner: batches, an inbox for idempotency, commit after the database commit, DLQ."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, NamedTuple, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from opentelemetry import trace
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import SPEC_VERSION, TRACEPARENT, Event
from servicekit import metrics
from servicekit.db import insert_ignore_returning
from servicekit.kafka import ProducerHolder, ensure_topics, make_consumer
from servicekit.memory import gc_paused
from servicekit.settings import ServiceSettings
from servicekit.tables import RuntimeTables
from servicekit.telemetry import context_from_traceparent, tracer
from servicekit.uow import UnitOfWork
from servicekit.worker import BackgroundLoop

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)
_SCHEMA_VERSION = re.compile(r":v(\d+)$")
_SPEC = SPEC_VERSION.encode()
AGE_SAMPLE = 200  # event ages observed per applied batch, at most
_new_tuple = tuple.__new__  # a named tuple from a tuple, without its generated __new__ (once per event)


class Received(NamedTuple, Generic[E]):
    """One consumed event: its CloudEvent attributes and the validated payload. (A named tuple: immutable,
    and built in a third of a frozen dataclass's time, once per event in every consumer.)"""

    id: str
    time: datetime
    source: str
    payload: E
    traceparent: str | None = None


Handler = Callable[[UnitOfWork, list[Received[Any]]], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A handler for one event type and version; it receives a batch and writes in bulk.

    `idempotent`: applying an event again has no effect (an upsert guarded by a version, a sequence
    number or a time), so its events skip the inbox; a redelivery is applied once in effect. Counters
    and anything else that adds up must leave it False: the inbox then drops what was applied before.
    """

    event: type[Event]
    handler: Handler
    idempotent: bool = False


@dataclass(slots=True)
class _Item:
    record: ConsumerRecord[bytes, bytes]
    received: Received[Any]
    subscription: Subscription


class PoisonMessage(Exception):
    """A record that can never be applied (malformed envelope or payload)."""


class ConsumerRunner:
    """Consumes the subscribed topics with one group; see DESIGN.md §3 for the guarantees."""

    def __init__(
        self,
        settings: ServiceSettings,
        sessions: async_sessionmaker[AsyncSession],
        tables: RuntimeTables,
        subscriptions: Sequence[Subscription],
        producers: ProducerHolder,
        *,
        group_id: str | None = None,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.tables = tables
        self.producers = producers
        self.group_id = group_id or settings.group_id
        self.on_commit = on_commit
        self.by_type = {(s.event.TYPE, s.event.VERSION): s for s in subscriptions}
        topics = {s.event.TOPIC for s in subscriptions}
        self.topics = sorted(settings.topic(t.name) for t in topics)
        self.topic_specs = sorted(
            {(settings.topic(t.name), t.partitions) for t in topics} | {(settings.topic(t.dlq), 1) for t in topics}
        )
        self._consumer: AIOKafkaConsumer | None = None
        self._loop = BackgroundLoop(f"{settings.service_name}-consumer", self._run)
        self.assigned = asyncio.Event()
        self.last_error: str | None = None
        self.service = settings.service_name
        # Progress, for readiness and for tests that wait until nothing is left in flight: polls
        # completed (records applied), and how many of the latest ones in a row found nothing.
        self.polls = 0
        self.empty_polls = 0
        self._subscriptions: dict[tuple[bytes, bytes | None], Subscription | None] = {}
        # Each subscription's pydantic-core validator (model_validate_json's wrapper: 0.6 µs of a 5 µs validation).
        self._validators = {s.event: s.event.__pydantic_validator__.validate_json for s in subscriptions}
        self._times: dict[bytes, datetime] = {}

    def start(self) -> None:
        if self.by_type:
            self._loop.start()

    def idle_since(self, polls: int) -> bool:
        """True once two polls begun after `polls` polls had completed found nothing: whatever the broker
        held at that moment has been applied. (The poll under way then may have begun earlier, so it
        does not count.)"""
        return min(self.empty_polls, self.polls - polls - 1) >= 2

    async def stop(self) -> None:
        await self._loop.stop()

    async def _run(self) -> None:
        backoff = 0.5
        while not self._loop.stopping:
            consumer: AIOKafkaConsumer | None = None
            try:
                if self.settings.kafka_create_topics:
                    await ensure_topics(
                        self.settings.kafka_bootstrap_servers,
                        self.topic_specs,
                        replication_factor=self.settings.kafka_replication_factor,
                        settings=self.settings,
                    )
                consumer = make_consumer(self.settings, self.group_id, *self.topics)
                await consumer.start()
                self._consumer = consumer
                backoff = 0.5
                await self._poll_loop(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.last_error = f"{type(e).__name__}: {e}"
                log.warning("consumer %s failed (restarting in %.1fs): %s", self.group_id, backoff, self.last_error)
                await self._loop.pause(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                self.assigned.clear()
                self._consumer = None
                if consumer is not None:
                    with contextlib.suppress(Exception):
                        async with asyncio.timeout(10):
                            await consumer.stop()

    async def _poll_loop(self, consumer: AIOKafkaConsumer) -> None:
        while not self._loop.stopping:
            # The collector is paused from the fetch (`getmany` builds the records: a young pass among them walked and
            # promoted them all, 9 % of every consumer) until the poll's records and events are dropped (ended before,
            # the next young pass walked them: 8 % of the indexer). An empty poll pauses it for its wait (≤ 0.5 s); a
            # pass that fell due meanwhile runs at the next allocation after it. docs/architecture.md has the numbers.
            with gc_paused():
                batches = await consumer.getmany(timeout_ms=500, max_records=self.settings.consumer_max_records)
                if consumer.assignment():
                    self.assigned.set()
                batches = {tp: records for tp, records in batches.items() if records}
                got = bool(batches)
                if got:
                    await self._handle_poll(consumer, batches)
                del batches
            self.empty_polls = 0 if got else self.empty_polls + 1
            self.polls += 1

    async def _handle_poll(
        self, consumer: AIOKafkaConsumer, batches: dict[Any, list[ConsumerRecord[bytes, bytes]]]
    ) -> None:
        """Apply a poll, then commit its offsets; if applying fails, rewind to read it again."""
        try:
            await self._process([r for records in batches.values() for r in records])
        except asyncio.CancelledError:
            raise
        except Exception as e:
            # Nothing of this poll is committed: go back and read it again.
            self.last_error = f"{type(e).__name__}: {e}"
            log.exception("applying a poll of %d records failed; rewinding", sum(map(len, batches.values())))
            for tp, records in batches.items():
                consumer.seek(tp, records[0].offset)
            await self._loop.pause(1.0)
            return
        with contextlib.suppress(Exception):
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
        for tp, records in batches.items():
            high = consumer.highwater(tp)
            if high is not None:
                metrics.CONSUMER_LAG.labels(self.service, tp.topic, str(tp.partition)).set(
                    max(0, high - (records[-1].offset + 1))
                )

    def _parse(self, record: ConsumerRecord[bytes, bytes]) -> _Item | None:
        """Decode and validate a record; None if no subscription wants it; PoisonMessage if broken. The payload is
        validated from its JSON bytes by pydantic-core; a (type, schema)'s subscription and a ce_time's time are
        looked up once."""
        h = dict(record.headers)
        ce_id, ce_type, ce_source, ce_time = h.get("ce_id"), h.get("ce_type"), h.get("ce_source"), h.get("ce_time")
        if h.get("ce_specversion") != _SPEC:
            raise PoisonMessage(f"ce_specversion must be {SPEC_VERSION}, got {h.get('ce_specversion')!r}")
        if not (ce_id and ce_type and ce_source and ce_time):
            missing = next(k for k in ("ce_id", "ce_type", "ce_source", "ce_time") if not h.get(k))
            raise PoisonMessage(f"missing header {missing}")
        sub = self._subscription(ce_type, h.get("ce_dataschema"))
        if sub is None:
            return None
        time = self._time(ce_time)
        if record.value is None:
            raise PoisonMessage("empty value (tombstone) where an event was expected")
        try:
            payload = self._validators[sub.event](record.value)
        except ValidationError as e:
            if e.errors()[0]["type"] == "json_invalid":
                raise PoisonMessage(f"value is not JSON: {e.errors()[0]['msg']}") from e
            raise PoisonMessage(f"payload does not match {sub.event.TYPE} v{sub.event.VERSION}: {e}") from e
        parent = h.get(TRACEPARENT)
        try:
            received = (ce_id.decode(), time, ce_source.decode(), payload, parent.decode() if parent else None)
        except UnicodeDecodeError as e:
            raise PoisonMessage("a header is not UTF-8") from e
        return _Item(record, _new_tuple(Received, received), sub)

    def _subscription(self, ce_type: bytes, dataschema: bytes | None) -> Subscription | None:
        key = (ce_type, dataschema)
        if key not in self._subscriptions:
            try:
                name, schema = ce_type.decode(), (dataschema or b"").decode()
            except UnicodeDecodeError as e:
                raise PoisonMessage("a header is not UTF-8") from e
            version = _SCHEMA_VERSION.search(schema)
            self._subscriptions[key] = self.by_type.get((name, int(version.group(1)) if version else 1))
        return self._subscriptions[key]

    def _time(self, ce_time: bytes) -> datetime:
        found = self._times.get(ce_time)
        if found is None:
            try:
                found = datetime.fromisoformat(ce_time.decode().replace("Z", "+00:00"))
            except (UnicodeDecodeError, ValueError) as e:
                raise PoisonMessage(f"ce_time is not RFC 3339: {ce_time!r}") from e
            if len(self._times) > 10_000:
                self._times.clear()
            self._times[ce_time] = found
        return found

    async def _process(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply one poll (all partitions, in order per partition) in one transaction; if it keeps
        failing, record by record, so that only the poison records are dead-lettered.

        It runs with the cyclic garbage collector paused (`gc_paused`, from `_poll_loop`): the batch's objects
        live until it commits, and a pass in between only walks them again (~7 % of a consumer's time). The
        rare slow paths (waits between attempts, dead-lettering) run paused too; the pause ends with the poll."""
        items: list[_Item] = []
        poison: list[tuple[ConsumerRecord[bytes, bytes], str]] = []
        for record in records:
            try:
                item = self._parse(record)
            except PoisonMessage as e:
                poison.append((record, str(e)))
                continue
            if item is not None:
                items.append(item)
        for record, why in poison:
            await self._dead_letter(record, why)
        if not items:
            return
        error = await self._apply_with_retries(items)
        if error is None:
            return
        for item in items:
            err = await self._apply_with_retries([item])
            if err is not None:
                await self._dead_letter(item.record, err)

    async def _apply_with_retries(self, items: list[_Item]) -> str | None:
        delay = 0.1
        error = None
        for attempt in range(self.settings.consumer_max_retries):
            try:
                await self._apply(items)
                return None
            except asyncio.CancelledError:
                raise
            except Exception as e:
                error = f"{type(e).__name__}: {e}"
                for item in items:
                    metrics.EVENTS_FAILED.labels(self.service, item.received.payload.TYPE).inc()
                log.warning(
                    "handler attempt %d/%d failed for %d events: %s",
                    attempt + 1,
                    self.settings.consumer_max_retries,
                    len(items),
                    error,
                )
                await asyncio.sleep(delay)
                delay *= 4
        return error

    async def _apply(self, items: list[_Item]) -> None:
        """Apply new events in one transaction with their inbox rows; skip those seen before.

        The inbox rows go in first with one INSERT … ON CONFLICT DO NOTHING RETURNING: what comes back
        is exactly the events this service has not applied yet. Events of idempotent subscriptions need
        no inbox row (applying them again changes nothing).
        """
        inbox = self.tables.inbox
        unique: dict[str, _Item] = {}
        for item in items:
            unique.setdefault(item.received.id, item)
        async with UnitOfWork(self.sessions, self.tables, self.on_commit) as uow:
            now = datetime.now(UTC)
            rows = [
                {
                    "event_id": i.received.id,
                    "event_type": i.received.payload.TYPE,
                    "topic": i.record.topic,
                    "consumed_at": now,
                }
                for i in unique.values()
                if not i.subscription.idempotent
            ]
            new_ids = {e for e, i in unique.items() if i.subscription.idempotent}
            for chunk in range(0, len(rows), 5000):
                stmt = insert_ignore_returning(uow.dialect, inbox, ["event_id"], inbox.c.event_id)
                new_ids |= set((await uow.session.execute(stmt, rows[chunk : chunk + 5000])).scalars())
            fresh = [i for i in unique.values() if i.received.id in new_ids]
            duplicates: dict[str, int] = {}
            for item in items:
                if item.received.id not in new_ids or unique[item.received.id] is not item:
                    duplicates[item.received.payload.TYPE] = duplicates.get(item.received.payload.TYPE, 0) + 1
            for kind, n in duplicates.items():
                metrics.EVENTS_DUPLICATE.labels(self.service, kind).inc(n)
            if not fresh:
                return
            first = fresh[0].received
            links = [
                trace.Link(sc)
                for i in fresh[1:50]
                if (ctx := context_from_traceparent(i.received.traceparent)) is not None
                and (sc := trace.get_current_span(ctx).get_span_context()).is_valid
            ]
            with tracer().start_as_current_span(
                f"consume {first.payload.TYPE}",
                context=context_from_traceparent(first.traceparent),
                kind=trace.SpanKind.CONSUMER,
                links=links,
                attributes={
                    "messaging.batch.message_count": len(fresh),
                    "messaging.consumer.group.name": self.group_id,
                },
            ):
                # Consecutive runs of one type go to its handler together, keeping the order.
                run: list[_Item] = []
                for item in fresh:
                    if run and item.subscription is not run[0].subscription:
                        await run[0].subscription.handler(uow, [i.received for i in run])
                        run = []
                    run.append(item)
                await run[0].subscription.handler(uow, [i.received for i in run])
                await uow.commit()
        applied = datetime.now(UTC)
        counts: dict[str, int] = {}
        for item in fresh:
            kind = item.received.payload.TYPE
            counts[kind] = counts.get(kind, 0) + 1
        for kind, n in counts.items():
            metrics.EVENTS_CONSUMED.labels(self.service, kind).inc(n)
        # Freshness: every event's age in a small batch; an even sample of AGE_SAMPLE in a large one.
        step = max(1, len(fresh) // AGE_SAMPLE)
        for item in fresh[::step]:
            age = (applied - item.received.time).total_seconds()
            metrics.EVENT_AGE.labels(self.service, item.received.payload.TYPE).observe(age)

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], error: str) -> None:
        headers = [(k, v) for k, v in record.headers if not k.startswith("dlq_")]
        headers += [
            ("dlq_error", error[:4000].encode()),
            ("dlq_source_topic", record.topic.encode()),
            ("dlq_source_partition", str(record.partition).encode()),
            ("dlq_source_offset", str(record.offset).encode()),
            ("dlq_consumer_group", self.group_id.encode()),
            ("dlq_time", datetime.now(UTC).isoformat().encode()),
        ]
        ce_type = dict(record.headers).get("ce_type", b"unknown").decode(errors="replace")
        producer = await self.producers.get()
        await producer.send_and_wait(f"{record.topic}.dlq", value=record.value, key=record.key, headers=headers)
        metrics.EVENTS_DEAD_LETTERED.labels(self.service, ce_type).inc()
        log.error("dead-lettered %s@%d/%d (%s): %s", record.topic, record.partition, record.offset, ce_type, error)
