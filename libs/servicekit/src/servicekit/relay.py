"""Outbox relay: publishes pending rows in order, retries with backoff, marks them sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit import metrics
from servicekit.codec import Envelope, encode
from servicekit.kafka import ProducerHolder
from servicekit.settings import ServiceSettings
from servicekit.tables import RuntimeTables
from servicekit.telemetry import context_from_traceparent, tracer
from servicekit.worker import BackgroundLoop

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 5.0


def envelope_of(row: Any, source: str) -> Envelope:
    """The CloudEvent an outbox row publishes (its stored JSON is sent as it is)."""
    return Envelope(
        id=row.event_id,
        type=row.event_type,
        source=source,
        time=row.occurred_at if row.occurred_at.tzinfo else row.occurred_at.replace(tzinfo=UTC),
        subject=row.subject,
        data=row.payload.encode(),
        dataschema=f"urn:shuzhuan:schema:{row.event_type}:v{row.event_version}",
        traceparent=row.traceparent,
        key=row.key,
    )


class OutboxRelay:
    """Runs in each service; survives broker downtime (writes go on, the backlog drains later)."""

    def __init__(
        self, settings: ServiceSettings, engine: AsyncEngine, tables: RuntimeTables, producers: ProducerHolder
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.outbox = tables.outbox
        self.producers = producers
        self.source = f"/shuzhuan/{settings.service_name}"
        self._loop = BackgroundLoop(f"{settings.service_name}-outbox-relay", self._run)
        self.last_error: str | None = None

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def backlog(self) -> int:
        async with self.engine.connect() as conn:
            n = await conn.scalar(
                select(func.count()).select_from(self.outbox).where(self.outbox.c.published_at.is_(None))
            )
        return int(n or 0)

    async def _run(self) -> None:
        backoff = 0.2
        while not self._loop.stopping:
            try:
                sent = await self.publish_pending()
                backoff = 0.2
                self.last_error = None
                metrics.OUTBOX_BACKLOG.labels(self.settings.service_name).set(await self.backlog())
                if sent >= self.settings.relay_batch_size:
                    continue  # more waiting: do not sleep
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
            await self._loop.pause(self.settings.relay_poll_interval_s)

    async def publish_pending(self) -> int:
        """Publish one batch of pending rows in id order; return how many were sent."""
        o = self.outbox
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(o).where(o.c.published_at.is_(None)).order_by(o.c.id).limit(self.settings.relay_batch_size)
                )
            ).all()
        if not rows:
            return 0
        producer = await self.producers.get()
        futures = []
        for row in rows:
            key, value, headers = encode(envelope_of(row, self.source))
            topic = self.settings.topic(row.topic)
            with tracer().start_as_current_span(
                f"publish {row.event_type}",
                context=context_from_traceparent(row.traceparent),
                kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.destination.name": topic, "messaging.message.id": row.event_id},
            ):
                futures.append(await producer.send(topic, value=value, key=key, headers=headers))
        results = await asyncio.gather(*futures, return_exceptions=True)
        # Mark sent only the prefix before the first failure, so order per key is kept on retry.
        sent_ids: list[int] = []
        failure: BaseException | None = None
        for row, res in zip(rows, results, strict=True):
            if isinstance(res, BaseException):
                failure = res
                break
            sent_ids.append(row.id)
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            if sent_ids:
                await conn.execute(update(o).where(o.c.id.in_(sent_ids)).values(published_at=now))
            if failure is not None:
                failed = rows[len(sent_ids)]
                await conn.execute(
                    update(o)
                    .where(o.c.id == failed.id)
                    .values(attempts=o.c.attempts + 1, last_error=f"{type(failure).__name__}: {failure}"[:2000])
                )
        for row in rows[: len(sent_ids)]:
            metrics.EVENTS_PRODUCED.labels(self.settings.service_name, row.event_type).inc()
        if failure is not None:
            raise failure
        return len(sent_ids)


async def mark_for_replay(engine: AsyncEngine, tables: RuntimeTables, since: datetime | None = None) -> int:
    """Mark outbox history (all, or since a time) pending again; the relay re-publishes it in order.

    Event ids are kept, so consumers that already applied an event skip it (their inbox).
    """
    o = tables.outbox
    stmt = update(o).values(published_at=None)
    if since is not None:
        stmt = stmt.where(o.c.occurred_at >= since)
    async with engine.begin() as conn:
        result = await conn.execute(stmt)
    return int(result.rowcount or 0)
