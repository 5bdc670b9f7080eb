"""Outbox relay: publishes pending rows in order per key, in batches, retries with backoff, marks them sent.

One round reads up to `relay_batch_size` pending rows in id order, groups them by the partition their
key maps to (the producer's own partitioner, so a key always lands where Kafka would put it), fills one
record batch per partition in id order and hands the batches to the producer without awaiting each
message. When the broker has acknowledged them, they are taken off the outbox's queue in one statement
(`servicekit.outbox`). A failed
partition batch leaves its rows, and every later row of that partition, pending: they go again in id
order on the next round (at least once; consumers deduplicate by event id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from opentelemetry import trace
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import SPEC_VERSION, TRACEPARENT
from servicekit import metrics, outbox
from servicekit.kafka import ProducerHolder
from servicekit.partitioning import partitions_of
from servicekit.settings import ServiceSettings
from servicekit.sqlite import writes_first
from servicekit.tables import RuntimeTables
from servicekit.telemetry import context_from_traceparent, tracer
from servicekit.worker import BackgroundLoop

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 5.0
MAX_LINKS = 32  # request traces linked from one publish span


class HeaderCache:
    """The CloudEvents headers of outbox rows, with the parts most rows share encoded once."""

    def __init__(self, source: str) -> None:
        self.static = (
            ("ce_specversion", SPEC_VERSION.encode()),
            ("ce_source", source.encode()),
            ("content-type", b"application/json"),
        )
        self._types: dict[tuple[str, int], tuple[tuple[str, bytes], ...]] = {}
        self._times: dict[Any, tuple[str, bytes]] = {}

    def _type(self, event_type: str, version: int) -> tuple[tuple[str, bytes], ...]:
        found = self._types.get((event_type, version))
        if found is None:
            schema = f"urn:shuzhuan:schema:{event_type}:v{version}"
            found = self._types[(event_type, version)] = (
                ("ce_type", event_type.encode()),
                ("ce_dataschema", schema.encode()),
                *self.static,
            )
        return found

    def _time(self, at: Any) -> tuple[str, bytes]:
        """ce_time (RFC 3339, UTC) of a stored time: a datetime, or SQLite's text (naive UTC)."""
        found = self._times.get(at)
        if found is None:
            if len(self._times) > 10_000:
                self._times.clear()
            if isinstance(at, str):
                text = at.replace(" ", "T").removesuffix("+00:00") + "Z"
            else:
                aware = at if at.tzinfo else at.replace(tzinfo=UTC)
                text = aware.astimezone(UTC).isoformat().replace("+00:00", "Z")
            found = self._times[at] = ("ce_time", text.encode())
        return found

    def of(self, row: Any) -> list[tuple[str, bytes]]:
        headers = [
            ("ce_id", row.event_id.encode()),
            ("ce_subject", row.subject.encode()),
            self._time(row.occurred_at),
            *self._type(row.event_type, row.event_version),
        ]
        if row.traceparent:
            headers.append((TRACEPARENT, row.traceparent.encode()))
        return headers


@dataclass
class _PartitionBatches:
    """The rows of one round going to one partition, in id order, cut into record batches."""

    topic: str
    partition: int
    rows: list[outbox.Pending]
    keys: list[bytes]  # each row's key, encoded once (for the partition and the record)
    futures: list[tuple[asyncio.Future[Any], int]]  # (delivery, how many rows it carries)


class OutboxRelay:
    """Runs in each service's process, or alone (servicekit.relayapp); survives broker downtime (writes go on, the
    backlog drains later)."""

    def __init__(
        self,
        settings: ServiceSettings,
        engine: AsyncEngine,
        tables: RuntimeTables,
        producers: ProducerHolder,
        *,
        first_idle_pause: float | None = None,
    ) -> None:
        """`first_idle_pause`: for a relay no commit wakes (one in its own process). After a round that found
        nothing it looks again this soon, then waits twice as long after each empty look, up to
        `relay_poll_interval_s`; a round that publishes starts over."""
        self.settings = settings
        self.first_idle_pause = first_idle_pause or settings.relay_poll_interval_s
        self.idle_pause = self.first_idle_pause  # the wait before its next look, if the queue stays empty
        self.engine = engine
        self.tables = tables
        self.producers = producers
        self.source = f"/shuzhuan/{settings.service_name}"
        self.headers = HeaderCache(self.source)
        self._loop = BackgroundLoop(f"{settings.service_name}-outbox-relay", self._run)
        self.last_error: str | None = None

    def wake(self) -> None:
        self._loop.wake()

    @property
    def running(self) -> bool:
        """False in a `serve` process with `relay_embedded=false`: another process publishes (servicekit.relayapp)."""
        return self._loop.running

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def backlog(self) -> int:
        async with self.engine.connect() as conn:
            return await outbox.backlog(conn, self.tables)

    async def _run(self) -> None:
        backoff = 0.2
        while not self._loop.stopping:
            try:
                sent = await self.publish_pending()
                backoff = 0.2
                self.last_error = None
                if sent >= self.settings.relay_batch_size:
                    continue  # more waiting: do not sleep (the backlog gauge is set when it drains)
                # A round that found nothing saw an empty queue: no count needed (a relay in its own process looks
                # often; it counted the queue after each empty look).
                gauge = metrics.OUTBOX_BACKLOG.labels(self.settings.service_name)
                gauge.set(await self.backlog() if sent else 0)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self.last_error = f"{type(e).__name__}: {e}"
                metrics.OUTBOX_PUBLISH_ERRORS.labels(self.settings.service_name).inc()
                log.warning("outbox publish failed (retrying in %.1fs): %s", backoff, self.last_error)
                await self.producers.reset()
                with contextlib.suppress(Exception):
                    metrics.OUTBOX_BACKLOG.labels(self.settings.service_name).set(await self.backlog())
                await self._loop.pause(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            if sent:
                self.idle_pause = self.first_idle_pause
            await self._loop.pause(self.idle_pause)
            self.idle_pause = min(self.idle_pause * 2, self.settings.relay_poll_interval_s)

    async def _pending(self) -> list[outbox.Pending]:
        async with self.engine.connect() as conn:
            return await outbox.pending_rows(conn, self.tables, self.settings.relay_batch_size)

    async def _partition_of(self, producer: AIOKafkaProducer, topic: str) -> list[int]:
        partitions = producer.client.cluster.partitions_for_topic(topic)
        if not partitions:
            await producer.client._wait_on_metadata(topic)
            partitions = producer.client.cluster.partitions_for_topic(topic)
        return sorted(partitions or [])

    async def _send(self, producer: AIOKafkaProducer, rows: Sequence[Any]) -> list[_PartitionBatches]:
        """Group rows by (topic, partition) in id order and hand one record batch after another over."""
        groups: dict[tuple[str, int], _PartitionBatches] = {}
        keys = [row.key.encode() for row in rows]
        by_topic: dict[str, list[int]] = {}  # logical topic → its rows' positions
        for i, row in enumerate(rows):
            by_topic.setdefault(row.topic, []).append(i)
        targets: list[tuple[str, int]] = [("", 0)] * len(rows)  # each row's (broker topic, partition)
        for logical, where in by_topic.items():
            topic = self.settings.topic(logical)
            chosen = partitions_of([keys[i] for i in where], await self._partition_of(producer, topic))
            for i, partition in zip(where, chosen, strict=True):
                targets[i] = (topic, partition)
        for row, key, (topic, partition) in zip(rows, keys, targets, strict=True):
            group = groups.get((topic, partition))
            if group is None:
                group = groups[(topic, partition)] = _PartitionBatches(topic, partition, [], [], [])
            group.rows.append(row)
            group.keys.append(key)
        for group in groups.values():
            batch, count = producer.create_batch(), 0
            for row, key in zip(group.rows, group.keys, strict=True):
                value, headers = row.payload.encode(), self.headers.of(row)
                if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                    group.futures.append((await self._submit(producer, batch, group), count))
                    batch, count = producer.create_batch(), 0
                    if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                        raise ValueError(f"outbox event {row.event_id} is larger than the producer's batch size")
                count += 1
            group.futures.append((await self._submit(producer, batch, group), count))
        return list(groups.values())

    @staticmethod
    async def _submit(producer: AIOKafkaProducer, batch: Any, group: _PartitionBatches) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = await producer.send_batch(batch, group.topic, partition=group.partition)
        return future

    async def publish_pending(self) -> int:
        """Publish one round of pending rows; return how many were sent (acknowledged and marked)."""
        rows = await self._pending()
        if not rows:
            return 0
        producer = await self.producers.get()
        # One span per round: a child of the first event's request (so a single request is one trace
        # from HTTP to every consumer), linked to the requests of the others.
        parents = list(dict.fromkeys(r.traceparent for r in rows if r.traceparent))
        links = [
            trace.Link(sc)
            for tp in parents[1:MAX_LINKS]
            if (ctx := context_from_traceparent(tp)) is not None
            and (sc := trace.get_current_span(ctx).get_span_context()).is_valid
        ]
        with tracer().start_as_current_span(
            f"publish {rows[0].event_type}",
            context=context_from_traceparent(parents[0]) if parents else None,
            kind=trace.SpanKind.PRODUCER,
            links=links,
            attributes={"messaging.batch.message_count": len(rows), "messaging.system": "kafka"},
        ):
            groups = await self._send(producer, rows)
            # Per partition: the rows of every batch up to the first failure were delivered, in order.
            sent: list[Any] = []
            failure: BaseException | None = None
            failed_row: Any = None
            for group in groups:
                results = await asyncio.gather(*(f for f, _ in group.futures), return_exceptions=True)
                done = 0
                for (_, count), result in zip(group.futures, results, strict=True):
                    if isinstance(result, BaseException):
                        if failure is None:
                            failure, failed_row = result, group.rows[done]
                        break
                    done += count
                sent.extend(group.rows[:done])
            # Counted as the broker acknowledged them, before they leave the queue: whoever sees the queue empty
            # sees them counted (and a round the marking fails for was produced all the same).
            counts: dict[str, int] = {}
            for row in sent:
                counts[row.event_type] = counts.get(row.event_type, 0) + 1
            for event_type, n in counts.items():
                metrics.EVENTS_PRODUCED.labels(self.settings.service_name, event_type).inc(n)
            await self._mark_sent(sent, failure, failed_row)
        if failure is not None:
            raise failure
        return len(sent)

    async def _mark_sent(self, rows: Sequence[Any], failure: BaseException | None, failed_row: Any) -> None:
        """One statement takes the delivered rows off the queue; the first undelivered one records the error.
        On SQLite the transaction goes before the requests waiting to write (`writes_first`): every consumer of
        the suite waits for this round."""
        o = self.tables.outbox
        with writes_first():
            async with self.engine.begin() as conn:
                if rows:
                    await outbox.mark_sent(conn, self.tables, [r.id for r in rows])
                if failure is not None:
                    message = f"{type(failure).__name__}: {failure}"[:2000]
                    failed = update(o).where(o.c.id == failed_row.id)
                    await conn.execute(failed.values(attempts=o.c.attempts + 1, last_error=message))


async def mark_for_replay(engine: AsyncEngine, tables: RuntimeTables, since: datetime | None = None) -> int:
    """Queue outbox history (all, or since a time) again; the relay re-publishes it in order.

    Event ids are kept, so consumers that already applied an event skip it (their inbox).
    """
    async with engine.begin() as conn:
        return await outbox.queue_again(conn, tables, since)
