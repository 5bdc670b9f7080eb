"""FastAPI app factory: lifespan (db, producer, relay, consumers), health, readiness, metrics."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import MetaData, Table
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from contracts.topics import TopicSpec
from servicekit import metrics, revocation
from servicekit.audit import audit_router
from servicekit.auth import TokenVerifier, authenticated
from servicekit.consumer import ConsumerRunner, Subscription
from servicekit.db import make_engine, normalize_url, ping, private_dir, sessionmaker
from servicekit.dbtrace import instrument_engine
from servicekit.fastlane import FastLane, FastRoute
from servicekit.http import RequestMiddleware, domain_error_response, install_error_handlers
from servicekit.kafka import ProducerHolder
from servicekit.openapi import document_standard_answers
from servicekit.pointread import PointReader
from servicekit.relay import OutboxRelay
from servicekit.settings import ServiceSettings
from servicekit.tables import RuntimeTables
from servicekit.telemetry import setup_telemetry
from servicekit.uow import BulkUnitOfWork, UnitOfWork


@dataclass
class ServiceSpec:
    """Everything that makes one service: its tables, routes, subscriptions and migrations."""

    name: str
    title: str
    description: str
    settings_cls: type[ServiceSettings]
    metadata: MetaData
    tables: RuntimeTables
    migrations_dir: Path
    routers: Sequence[APIRouter] = ()
    subscriptions: Sequence[Subscription] = ()
    produces: Sequence[TopicSpec] = ()
    read_model_tables: Sequence[Table] = ()  # emptied by `rebuild`, refilled by replay
    public_routers: Sequence[APIRouter] = ()  # no credential needed (e.g. the token endpoint)
    # Extra `python -m <service> <name> [args…]` commands: name → (help, function(settings, args) → exit code).
    commands: dict[str, tuple[str, Callable[[Any, list[str]], int]]] = field(default_factory=dict)
    # Called at start, before tokens are verified (the registry loads or creates its signing key here).
    startup: Callable[[FastAPI, Any], None] | None = None
    shutdown: Callable[[FastAPI], Awaitable[None]] | None = None  # called at stop, before the runtime closes
    upload_paths: Sequence[str] = ()  # path prefixes of bulk bodies (files, batches): max_upload_bytes
    # The hottest GET routes, answered for well-formed requests without FastAPI's routing (servicekit.fastlane).
    fast_routes: Sequence[FastRoute] = ()
    # The service that issues tokens (the registry) records revocations itself; every other service
    # learns of them from registry.client.revoked.
    issues_tokens: bool = False

    def all_subscriptions(self) -> list[Subscription]:
        """The service's own subscriptions and, unless it issues tokens, the revoked clients'."""
        extra = [] if self.issues_tokens else revocation.subscriptions(self.tables)
        return [*self.subscriptions, *extra]


@dataclass
class Runtime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    tables: RuntimeTables
    producers: ProducerHolder
    relay: OutboxRelay
    consumer: ConsumerRunner
    revocations: revocation.Revocations
    reads: PointReader  # the hottest point reads, without the ORM (opened by its first read)
    background: AsyncEngine  # the relay's and the consumers' own few connections (see build_runtime)
    bulk: AsyncEngine  # bulk writes' connection (see bulk_engine); on PostgreSQL the requests' `engine`
    bulk_sessions: async_sessionmaker[AsyncSession]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.tables, on_commit=self.relay.wake)

    def bulk_uow(self) -> UnitOfWork:
        """A unit of work for a write of thousands of rows (see bulk_engine)."""
        if self.bulk is self.engine:
            return self.uow()
        return BulkUnitOfWork(
            self.bulk_sessions, self.tables, on_commit=self.relay.wake, wait_s=self.settings.bulk_wait_s
        )

    async def dispose(self) -> None:
        """Close every connection of the runtime's engines."""
        await self.background.dispose()
        if self.bulk is not self.engine:
            await self.bulk.dispose()
        await self.engine.dispose()


def topics_of(spec: ServiceSpec) -> list[tuple[str, int]]:
    """Topics the service touches (produced, consumed and their dead-letter topics)."""
    specs = set(spec.produces) | {s.event.TOPIC for s in spec.all_subscriptions()}
    return sorted({(t.name, t.partitions) for t in specs} | {(t.dlq, 1) for t in specs})


def background_engine(settings: ServiceSettings) -> AsyncEngine:
    """The relay's and the consumers' own few connections. Under load the requests can hold every pooled
    connection while they wait to write, and a relay waiting for one of them left every consumer of the suite
    seconds behind (bench/e2e.py --freshness). A relay in its own process uses the same (servicekit.relayapp).

    On SQLite each has a page cache of `sqlite_cache_mib`: a consumer writes every event's row into indexes keyed
    by USCC, a random page each, and with SQLite's 2 MiB nearly every one was read from the file again (catalog's
    registrations at a million enterprises: 20.8–24.6 → 15.7–17.9 µs each with 32 MiB, bench/apply_at_scale.py).
    Only these connections get it: a consumer's is the one that writes its tables, so its cache outlives its
    transactions (SQLite drops a connection's cache when another connection has committed since), while the
    requests' many pooled connections would each hold one that other commits keep dropping."""
    engine = make_engine(
        settings.effective_database_url, pool_size=2, max_overflow=2, sqlite_cache_mib=settings.sqlite_cache_mib
    )
    instrument_engine(engine.sync_engine)
    return engine


def bulk_engine(settings: ServiceSettings, requests: AsyncEngine) -> AsyncEngine:
    """SQLite: one connection of its own, with a page cache of `sqlite_bulk_cache_mib`, for writes of thousands
    of rows in one transaction (a provider's pushed batch, a list imported, a repayment file). Such a write looks
    up and inserts thousands of random keys (USCCs, record ids): with SQLite's 2 MiB cache, the pages the lookups
    read were evicted before the inserts wrote them, and dirty pages spilled to the WAL mid-transaction. A large
    cache on each of the forty request connections took the registry past 300 MB; one connection holds one (at a
    million: push alone +8–13 %, the registry 6–9 % less CPU; bench/results.md, 2026-12-05). SQLite writes one
    transaction at a time anyway, so bulk writes queue for the connection (up to `bulk_wait_s`, then 503).
    PostgreSQL caches in the server: there bulk writes use the requests' pool."""
    if make_url(normalize_url(settings.effective_database_url)).get_backend_name() != "sqlite":
        return requests
    engine = make_engine(
        settings.effective_database_url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=settings.bulk_wait_s,
        sqlite_cache_mib=settings.sqlite_bulk_cache_mib,
    )
    instrument_engine(engine.sync_engine)
    return engine


def build_runtime(spec: ServiceSpec, settings: ServiceSettings) -> Runtime:
    engine = make_engine(settings.effective_database_url)
    instrument_engine(engine.sync_engine)
    sessions = sessionmaker(engine)
    background = background_engine(settings)
    producers = ProducerHolder(settings, topics_of(spec))
    relay = OutboxRelay(settings, background, spec.tables, producers)
    subscriptions = spec.all_subscriptions()
    consumer = ConsumerRunner(
        settings, sessionmaker(background), spec.tables, subscriptions, producers, on_commit=relay.wake
    )
    revocations = revocation.Revocations(engine, spec.tables)
    reads = PointReader(engine)
    bulk = bulk_engine(settings, engine)
    return Runtime(
        settings,
        engine,
        sessions,
        spec.tables,
        producers,
        relay,
        consumer,
        revocations,
        reads,
        background,
        bulk,
        sessionmaker(bulk),
    )


def tune_gc(threshold: int) -> None:
    """Fewer cyclic-garbage passes: a batch of thousands of events or records allocates far more than
    the default 700 objects between passes, and every pass over the long-lived heap costs time.
    The objects alive at start-up are frozen out of the passes altogether."""
    if threshold > 0:
        gc.collect()
        gc.freeze()
        gc.set_threshold(threshold, 20, 20)


async def get_uow(request: Request) -> UnitOfWork:
    """FastAPI dependency: a fresh unit of work; the route commits it. (Dependencies are `async def`: FastAPI
    runs a plain `def` one in its thread pool, a thread hop per request for nothing.)"""
    runtime: Runtime = request.app.state.runtime
    return runtime.uow()


async def get_bulk_uow(request: Request) -> UnitOfWork:
    """FastAPI dependency: a fresh unit of work for a write of thousands of rows (Runtime.bulk_uow)."""
    runtime: Runtime = request.app.state.runtime
    return runtime.bulk_uow()


async def get_settings(request: Request) -> Any:
    """FastAPI dependency: the service's settings (annotate the parameter with the service's own class)."""
    return request.app.state.runtime.settings


async def reachable(engine: AsyncEngine, producers: ProducerHolder | None) -> tuple[bool, dict[str, Any]]:
    """Readiness: the database and the broker answer (the broker "off" without `producers`)."""
    checks: dict[str, Any] = {}
    ok = True
    try:
        async with asyncio.timeout(3):
            await ping(engine)
        checks["database"] = "ok"
    except Exception as e:
        ok, checks["database"] = False, f"{type(e).__name__}: {e}"
    if producers is None:
        checks["broker"] = "off"
    else:
        try:
            async with asyncio.timeout(3):
                await producers.get()
            checks["broker"] = "ok"
        except Exception as e:
            ok, checks["broker"] = False, f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return ok, checks


def create_app(spec: ServiceSpec, settings: ServiceSettings | None = None, *, messaging: bool = True) -> FastAPI:
    """The service's app. `messaging=False` (the broker-free test tier) starts neither the relay nor the
    consumer: events stay in the outbox, where tests read them."""
    settings = settings or spec.settings_cls()
    setup_telemetry(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        private_dir(settings.var_dir)
        if spec.startup:
            spec.startup(app, settings)
        app.state.verifier = TokenVerifier.from_file(settings.public_key_path)
        runtime = build_runtime(spec, settings)
        app.state.runtime = runtime
        app.state.messaging = messaging
        tune_gc(settings.gc_threshold)
        await runtime.revocations.load()
        runtime.revocations.start()
        if messaging:
            if settings.relay_embedded:  # otherwise `python -m <service> relay` publishes (servicekit.relayapp)
                runtime.relay.start()
            runtime.consumer.start()
        try:
            yield
        finally:
            if spec.shutdown:
                await spec.shutdown(app)
            await runtime.revocations.stop()
            await runtime.consumer.stop()
            await runtime.relay.stop()
            await runtime.producers.close()
            await runtime.reads.close()
            await runtime.dispose()

    # FastAPI's own telemetry would add a second server span, spans per dependency and its own metrics beside
    # RequestMiddleware's: about a third of a small request's time, for nothing an operator reads.
    native_telemetry = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        lifespan=lifespan,
        telemetry=native_telemetry,  # type: ignore[arg-type]
    )
    if spec.fast_routes:  # added first, so it runs inside RequestMiddleware: ids, spans and metrics are kept
        app.add_middleware(FastLane, routes=spec.fast_routes, on_error=domain_error_response)
    app.add_middleware(
        RequestMiddleware,
        service=settings.service_name,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        upload_paths=spec.upload_paths,
    )
    if settings.cors_origins:  # browsers on these origins may call (the indexer's dashboard signs in here)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    install_error_handlers(app)
    document_standard_answers(app)

    @app.get("/healthz", tags=["ops"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": settings.service_name}

    @app.get("/readyz", tags=["ops"], summary="Database and broker reachable")
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        ok, checks = await reachable(runtime.engine, runtime.producers if request.app.state.messaging else None)
        if spec.all_subscriptions():
            checks["consumer"] = "assigned" if runtime.consumer.assigned.is_set() else "joining"
            checks["consumer_polls"] = runtime.consumer.polls
            checks["consumer_empty_polls"] = runtime.consumer.empty_polls
        checks["outbox_backlog"] = await runtime.relay.backlog() if checks["database"] == "ok" else None
        metrics.SERVICE_READY.labels(settings.service_name).set(1 if ok else 0)
        return JSONResponse(
            {"ready": ok, "service": settings.service_name, "checks": checks}, status_code=200 if ok else 503
        )

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    # Every route needs a verified token unless its router is declared public.
    for router in [*spec.routers, audit_router(spec.tables.audit_log)]:
        app.include_router(router, dependencies=[Depends(authenticated)])
    for router in spec.public_routers:
        app.include_router(router)
    return app
