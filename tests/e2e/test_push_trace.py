"""One trace per push: a provider's push is followed, by its trace id, from the registry's HTTP request through
the outbox and the broker to every service that consumes the enterprises it registered."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from catalog.main import spec as catalog_spec
from contracts.api.identity import Role
from devstack.broker import Broker
from finance.main import spec as finance_spec
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from servicekit.telemetry import collect_spans
from testkit.databases import DbFactory
from testkit.services import RunningService, running_service
from testkit.tokens import bearer
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]

TRACE_ID = "5cf92f3577b34da6a3ce929d0e0e4737"
USCC = "91350100M000100Y43"


async def test_a_push_is_one_trace_across_the_registry_and_its_consumers(broker: Broker, make_db: DbFactory) -> None:
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db("sqlite")))
        consumers: dict[str, RunningService] = {}
        for spec in (indexer_spec, catalog_spec, finance_spec):
            consumers[spec.name] = await stack.enter_async_context(
                running_service(spec, broker, await make_db("sqlite"))
            )
        exporter = InMemorySpanExporter()
        collect_spans(SimpleSpanProcessor(exporter))

        c = registry.client
        body = {"name": "服务商", "uscc": "91440300708461136T", "categories": ["solution"]}
        pid = (await c.post("/v1/providers", json=body)).json()["provider_id"]
        await c.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "ok"})
        record = {
            "record_id": "r1",
            "version": 1,
            "kind": "enterprise",
            "occurred_at": datetime.now(UTC).isoformat(),
            "data": {"uscc": USCC, "name": "某企业", "district_code": "500103", "industry_code": "C3670"},
        }
        headers = {**bearer(Role.PROVIDER, provider_id=pid), "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
        pushed = await c.post("/v1/push/records", json=[record], headers=headers)
        assert pushed.status_code == 200 and pushed.json()["created"] == 1, pushed.text

        async def everywhere() -> bool:
            for name in ("catalog", "finance"):
                if (await consumers[name].client.get(f"/v1/known-enterprises/{USCC}")).status_code != 200:
                    return False
            totals = (await consumers["indexer"].client.get("/v1/aggregates?cells=false")).json()["totals"]
            return bool(totals["enterprises"] == 1)

        await wait_for(everywhere, timeout=60, what="every consumer to know the pushed enterprise")

        def in_trace(span: Any) -> bool:
            """Part of the push's trace, or (a batch that started from another event) linking it."""
            ids = [span.context.trace_id, *(link.context.trace_id for link in span.links)]
            return TRACE_ID in {format(i, "032x") for i in ids}

        ours = [s for s in exporter.get_finished_spans() if in_trace(s)]
        names = {s.name for s in ours}
        assert "POST /v1/push/records" in names
        # one publish span per relay round, named for the round's first event (the provider's own events may
        # share the round with the push's): it is in the push's trace or links it
        assert any(name.startswith("publish ") for name in names), names
        consuming = {  # a consumer's batch span is named for its first event, and links the others' traces
            str((s.attributes or {}).get("messaging.consumer.group.name"))
            for s in ours
            if s.name.startswith("consume ")
        }
        assert len(consuming) >= 2, consuming
        assert {s.kind for s in ours} >= {trace.SpanKind.SERVER, trace.SpanKind.PRODUCER, trace.SpanKind.CONSUMER}
