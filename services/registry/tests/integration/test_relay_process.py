"""The registry's outbox relay as a process of its own (`python -m registry relay`, as `make run` and deploy/k8s
run it): the API process with `relay_embedded=false` only writes the outbox, and the relay app publishes it,
reports its backlog and counts what it published; on SQLite and PostgreSQL, on the real broker."""

from __future__ import annotations

import random
import re

import httpx
import pytest

from contracts.topics import ENTERPRISES
from devstack.broker import Broker
from registry.main import spec as registry_spec
from servicekit.relayapp import create_relay_app
from testkit.data import random_uscc
from testkit.databases import DbFactory
from testkit.messaging import read_topic
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]
USCCS = [random_uscc(random.Random(seed)) for seed in range(3)]
LATE = random_uscc(random.Random(3))
PRODUCED = re.compile(
    r'^events_produced_total\{service="registry",type="registry.enterprise.registered"\} (\S+)$', re.M
)


def produced(metrics: str) -> float:
    found = PRODUCED.search(metrics)
    return float(found.group(1)) if found else 0.0


async def test_the_api_only_writes_the_outbox_and_the_relay_process_publishes_it(
    broker: Broker, make_db: DbFactory, db_kind: str, test_topic_prefix: str
) -> None:
    # Its looks at an empty queue back off from relay_alone_poll_s (0.05 s) to relay_poll_interval_s (0.4 s here).
    url = await make_db(db_kind)
    async with running_service(registry_spec, broker, url, relay_embedded=False, relay_poll_interval_s=0.4) as registry:
        assert not registry.runtime.relay.running  # this process does not publish
        for i, uscc in enumerate(USCCS):
            body = {"uscc": uscc, "name": f"企业{i}", "district_code": "500112", "industry_code": "C3971"}
            assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201
        assert await registry.runtime.relay.backlog() == len(USCCS)

        app = create_relay_app(registry_spec, registry.runtime.settings)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as relay,
        ):
            before = produced((await relay.get("/metrics")).text)

            async def drained() -> bool:
                answer = await relay.get("/readyz")
                return answer.status_code == 200 and answer.json()["checks"]["outbox_backlog"] == 0

            await wait_for(drained, what="the relay process to publish the outbox")
            ready = (await relay.get("/readyz")).json()
            assert ready["service"] == "registry-relay" and ready["checks"]["broker"] == "ok"
            assert ready["checks"]["database"] == "ok" and ready["checks"]["last_error"] is None
            exported = (await relay.get("/metrics")).text
            assert produced(exported) == before + len(USCCS)
            assert 'outbox_backlog{service="registry"} 0.0' in exported.splitlines()
            assert (await relay.get("/healthz")).json() == {"status": "ok", "service": "registry-relay"}
            # Written once the relay has backed off to its longest wait between looks at an empty queue: no commit in
            # its process wakes it; it must look again.
            backed_off = app.state.relay.settings.relay_poll_interval_s

            async def idle() -> bool:
                return bool(app.state.relay.idle_pause >= backed_off)

            await wait_for(idle, what="the relay to back off its looks at an empty queue")
            body = {"uscc": LATE, "name": "后来企业", "district_code": "500112", "industry_code": "C3971"}
            assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201
            await wait_for(drained, what="the relay process to publish what came after it went idle")
            assert produced((await relay.get("/metrics")).text) == before + len(USCCS) + 1
            assert app.state.relay.running
        assert not app.state.relay.running  # stopped with its app
    records = await read_topic(broker.bootstrap, test_topic_prefix + ENTERPRISES.name, ENTERPRISES.partitions, 4)
    assert sorted(r.key for r in records) == sorted(u.encode() for u in [*USCCS, LATE])  # each once
