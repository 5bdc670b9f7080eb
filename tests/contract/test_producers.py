"""What producers actually put on the broker matches the committed contracts."""

from __future__ import annotations

import json

import jsonschema
import pytest

from contracts.generate import SCHEMA_DIR, asyncapi
from contracts.topics import ENTERPRISES
from devstack.broker import Broker
from registry.main import spec as registry_spec
from testkit.databases import DbFactory
from testkit.messaging import read_topic
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]


async def test_registry_publishes_enterprise_registered_as_contracted(
    broker: Broker, make_db: DbFactory, test_topic_prefix: str
) -> None:
    schema = json.loads((SCHEMA_DIR / "events" / "registry.enterprise.registered.v1.json").read_text(encoding="utf-8"))
    headers_schema = asyncapi()["components"]["messages"]["registry.enterprise.registered.v1"]["headers"]
    body = {"uscc": "91340100MA2NJYNM4Q", "name": "某某电子", "district_code": "CQ-LJXQ", "industry_code": "C3971"}
    async with running_service(registry_spec, broker, await make_db("sqlite")) as registry:
        assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201

        async def published() -> bool:
            return await registry.runtime.relay.backlog() == 0

        await wait_for(published, what="the outbox to be published")
    records = await read_topic(broker.bootstrap, test_topic_prefix + ENTERPRISES.name, ENTERPRISES.partitions, 1)
    assert len(records) == 1
    record = records[0]
    assert record.key == b"91340100MA2NJYNM4Q"
    headers = {k: v.decode() for k, v in record.headers}
    jsonschema.validate(headers, headers_schema)
    assert headers["ce_type"] == "registry.enterprise.registered"
    assert headers["ce_source"] == "/shuzhuan/registry"
    assert headers["ce_dataschema"] == schema["$id"]
    payload = json.loads(record.value)
    jsonschema.validate(payload, schema, format_checker=jsonschema.FormatChecker())
    assert payload["industry_division"] == "C39"
