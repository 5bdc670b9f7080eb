"""A deactivated client is refused by every service within seconds: the registry publishes
`registry.client.revoked`, each service stores it and checks its local list (real broker)."""

from __future__ import annotations

import contextlib

import pytest

from assessment.main import spec as assessment_spec
from catalog.main import spec as catalog_spec
from devstack.broker import Broker
from finance.main import spec as finance_spec
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from testkit.databases import DbFactory
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker, pytest.mark.timeout(300)]
READERS = (catalog_spec, assessment_spec, finance_spec, indexer_spec)
PROBE = {"catalog": "/v1/known-enterprises", "assessment": "/v1/known-enterprises"}
PROBE |= {"finance": "/v1/known-enterprises", "indexer": "/v1/stats/districts"}


async def test_a_deactivated_client_is_refused_by_every_service(broker: Broker, make_db: DbFactory) -> None:
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db("sqlite")))
        readers = [
            await stack.enter_async_context(running_service(s, broker, await make_db("sqlite"))) for s in READERS
        ]
        client = (
            await registry.client.post(
                "/v1/clients", json={"name": "某区", "role": "district", "districts": ["500103"]}
            )
        ).json()
        form = {
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        }
        token = (await registry.client.post("/v1/oauth/token", data=form, headers={"Authorization": ""})).json()
        held = {"Authorization": f"Bearer {token['access_token']}"}
        probes = [(svc, PROBE[spec.name]) for svc, spec in zip(readers, READERS, strict=True)]
        for svc, path in probes:
            assert (await svc.client.get(path, headers=held)).status_code == 200, path
        r = await registry.client.post(f"/v1/clients/{client['client_id']}/deactivation", json={"reason": "合作终止"})
        assert r.status_code == 200, r.text

        async def refused_everywhere() -> bool:
            codes = [(await svc.client.get(path, headers=held)).status_code for svc, path in probes]
            return codes == [401] * len(readers)

        await wait_for(refused_everywhere, timeout=15, what="every service refusing the deactivated client's token")
        answer = await readers[0].client.get("/v1/known-enterprises", headers=held)
        assert "deactivated" in answer.json()["message"]
