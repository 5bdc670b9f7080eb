"""The outbox relay as a process of its own: `python -m <service> relay`.

A service's relay must be single per database: ordering per key comes from one publisher reading the queue in
id order, and every relay beside it publishes the same rows again. Run embedded (the default), each API replica
would run one. With `relay_embedded=false` the API processes only write the outbox, and this process publishes
it: one replica per database, beside any number of API replicas (deploy/k8s: `<service>-relay`, one replica,
recreated rather than rolled). Under `make run` the registry runs this way: its relay no longer shares the push's
event loop (bench/results.md, 2026-12-05).

No commit in this process wakes the relay, so after a round that published it looks at the queue again within
`relay_alone_poll_s` (0.05 s: one indexed read of an empty queue), then twice as long after each empty look, up to
`relay_poll_interval_s` (0.5 s): under steady writes it finds rows at every look; idle, it looks twice a second.

It answers `/healthz`, `/readyz` (database, broker, the backlog, the last publishing error) and `/metrics`
(`outbox_backlog`, `events_produced_total`, `outbox_publish_errors_total`) on `relay_port` (default: the
service's port + 100).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from servicekit import metrics
from servicekit.app import ServiceSpec, background_engine, reachable, topics_of, tune_gc
from servicekit.kafka import ProducerHolder
from servicekit.relay import OutboxRelay
from servicekit.settings import ServiceSettings
from servicekit.telemetry import setup_telemetry


def create_relay_app(spec: ServiceSpec, settings: ServiceSettings) -> FastAPI:
    """The relay process's app: the relay runs for its lifespan; its routes are for probes and Prometheus."""
    setup_telemetry(settings)
    name = f"{settings.service_name}-relay"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = background_engine(settings)
        producers = ProducerHolder(settings, topics_of(spec))
        relay = OutboxRelay(settings, engine, spec.tables, producers, first_idle_pause=settings.relay_alone_poll_s)
        app.state.relay, app.state.engine, app.state.producers = relay, engine, producers
        tune_gc(settings.gc_threshold)
        relay.start()
        try:
            yield
        finally:
            await relay.stop()
            await producers.close()
            await engine.dispose()

    native_telemetry = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}
    app = FastAPI(
        title=f"{spec.title}: outbox relay",
        description=f"Publishes the {spec.name} outbox (`python -m {spec.name} relay`).",
        version="1.0.0",
        lifespan=lifespan,
        openapi_url=None,
        telemetry=native_telemetry,  # type: ignore[arg-type]
    )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": name}

    @app.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        relay: OutboxRelay = request.app.state.relay
        ok, checks = await reachable(request.app.state.engine, request.app.state.producers)
        checks["outbox_backlog"] = await relay.backlog() if checks["database"] == "ok" else None
        checks["last_error"] = relay.last_error
        metrics.SERVICE_READY.labels(name).set(1 if ok else 0)
        return JSONResponse({"ready": ok, "service": name, "checks": checks}, status_code=200 if ok else 503)

    @app.get("/metrics")
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
