"""One HTTP request can be followed, by its trace id, to the index update it caused."""

from __future__ import annotations

import contextlib

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from devstack.broker import Broker
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from servicekit.telemetry import collect_spans
from testkit.databases import DbFactory
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


async def test_trace_follows_request_through_outbox_broker_and_consumer(broker: Broker, make_db: DbFactory) -> None:
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db("sqlite")))
        indexer = await stack.enter_async_context(running_service(indexer_spec, broker, await make_db("sqlite")))
        exporter = InMemorySpanExporter()
        collect_spans(SimpleSpanProcessor(exporter))
        r = await registry.client.post(
            "/v1/enterprises",
            json={"uscc": "91350100M000100Y43", "name": "某企业", "district_code": "500103", "industry_code": "C36"},
            headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"},
        )
        assert r.status_code == 201

        async def counted() -> bool:
            return (await indexer.client.get("/v1/stats/districts")).json()["total"] == 1

        await wait_for(counted, what="the indexer to count it")
        ours = [s for s in exporter.get_finished_spans() if format(s.context.trace_id, "032x") == TRACE_ID]
        names = {s.name for s in ours}
        assert "POST /v1/enterprises" in names
        assert "publish registry.enterprise.registered" in names
        assert "consume registry.enterprise.registered" in names
        kinds = {s.kind for s in ours}
        assert {trace.SpanKind.SERVER, trace.SpanKind.PRODUCER, trace.SpanKind.CONSUMER} <= kinds
        assert any(s.attributes and s.attributes.get("db.system") == "sqlite" for s in ours), names
