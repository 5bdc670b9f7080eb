"""A real service app in the test process: migrated database, lifespan running, an HTTP client.

Two tiers: `service_under_test` has the relay and consumers off (no broker: use cases, validation
matrices, access rules; events are read from the outbox), `running_service` has them on (messaging,
read models fed by events, e2e).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import Table, func, select

from contracts.api.identity import Role
from contracts.envelope import Event
from devstack.broker import Broker
from servicekit.app import Runtime, ServiceSpec, create_app
from servicekit.consumer import Received
from servicekit.migrations import upgrade_async
from testkit.tokens import bearer, signing_keys_for_tests

current_prefix: contextvars.ContextVar[str] = contextvars.ContextVar("topic_prefix", default="")


@dataclass
class RunningService:
    app: FastAPI
    client: httpx.AsyncClient
    runtime: Runtime

    async def count(self, table: Table | type[Any], *where: Any) -> int:
        """Rows of a table (or a SQLModel table class) matching `where`."""
        async with self.runtime.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(table).where(*where)) or 0)

    async def outbox(self, event_type: str | None = None) -> list[dict[str, Any]]:
        """The payloads of the events the service wrote to its outbox (in order), of one type or all."""
        o = self.runtime.tables.outbox
        query = select(o.c.payload).order_by(o.c.id)
        if event_type is not None:
            query = query.where(o.c.event_type == event_type)
        async with self.runtime.engine.connect() as conn:
            return [json.loads(p) for p in (await conn.execute(query)).scalars()]

    async def deliver(self, spec: ServiceSpec, *events: Event) -> None:
        """Hand `events` straight to the service's own handlers, in one transaction, as the consumer
        would (each run of one event type is one batch). For tests that need a read model filled
        without the producing service."""
        handlers = {s.event: s.handler for s in spec.all_subscriptions()}
        async with self.runtime.uow() as uow:
            for event_type, run in itertools.groupby(events, key=type):
                received = [
                    Received(id=str(uuid.uuid4()), time=datetime.now(UTC), source="test", payload=e) for e in run
                ]
                await handlers[event_type](uow, received)
            await uow.commit()


def _settings(spec: ServiceSpec, database_url: str, **overrides: Any) -> Any:
    private, public = signing_keys_for_tests()
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "consumer_group": f"{spec.name}-{uuid.uuid4().hex[:8]}",
        "consumer_session_timeout_ms": 3000,
        "consumer_heartbeat_interval_ms": 500,
        "relay_poll_interval_s": 0.1,
        "log_json": False,
        "auth_public_key_file": public,
        "auth_private_key_file": private,  # only the registry signs
        **overrides,
    }
    return spec.settings_cls(**values)


@contextlib.asynccontextmanager
async def _app(spec: ServiceSpec, settings: Any, *, messaging: bool) -> AsyncIterator[RunningService]:
    app = create_app(spec, settings, messaging=messaging)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = bearer(Role.CITY)  # the city authority, unless a test says otherwise
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{spec.name}", headers=headers) as client:
            yield RunningService(app, client, app.state.runtime)


@contextlib.asynccontextmanager
async def service_under_test(spec: ServiceSpec, database_url: str, **overrides: Any) -> AsyncIterator[RunningService]:
    """The service on a migrated database with the relay and consumers off: no broker needed."""
    async with _app(spec, _settings(spec, database_url, **overrides), messaging=False) as svc:
        yield svc


@contextlib.asynccontextmanager
async def running_service(
    spec: ServiceSpec, broker: Broker, database_url: str, *, topic_prefix: str | None = None, **overrides: Any
) -> AsyncIterator[RunningService]:
    """The service with its relay and consumers on the real broker.

    Services that must see each other's events share a `topic_prefix`; by default each test gets
    the prefix of the running test (see the `test_topic_prefix` fixture), so tests never see each
    other's events.
    """
    if topic_prefix is None:
        topic_prefix = current_prefix.get()
    await upgrade_async(spec.migrations_dir, database_url)
    settings = _settings(
        spec, database_url, kafka_bootstrap_servers=broker.bootstrap, topic_prefix=topic_prefix, **overrides
    )
    async with _app(spec, settings, messaging=True) as svc:
        yield svc


def settings_for_test(broker: Broker, database_url: str, **overrides: Any) -> Any:
    """Settings for a component under test (a relay, a consumer): fast group joins, a unique group id."""
    from servicekit.settings import ServiceSettings

    values: dict[str, Any] = {
        "service_name": overrides.pop("service_name", "test"),
        "environment": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": broker.bootstrap,
        "consumer_group": f"test-{uuid.uuid4().hex[:8]}",
        "consumer_session_timeout_ms": 3000,
        "consumer_heartbeat_interval_ms": 500,
        "relay_poll_interval_s": 0.1,
        "log_json": False,
    }
    values.update(overrides)
    return ServiceSettings(**values)
