"""Registry → broker → indexer, catalog, assessment and finance, all real, in one process."""

from __future__ import annotations

import contextlib
import random
from collections import Counter

import pytest

from assessment.main import spec as assessment_spec
from catalog.main import spec as catalog_spec
from contracts import codes
from devstack.broker import Broker
from finance.main import spec as finance_spec
from indexer.main import spec as indexer_spec
from registry.main import spec as registry_spec
from testkit.data import random_uscc
from testkit.databases import DbFactory
from testkit.services import RunningService, running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]


async def test_registered_enterprises_reach_every_read_model(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    rng = random.Random(2024)
    districts = list(codes.districts())
    divisions = list(codes.industry_divisions())
    sent = [
        {
            "uscc": random_uscc(rng),
            "name": f"企业{i}",
            "district_code": rng.choice(districts),
            "industry_code": rng.choice(divisions) + "1",
        }
        for i in range(40)
    ]
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db(db_kind)))
        indexer = await stack.enter_async_context(running_service(indexer_spec, broker, await make_db(db_kind)))
        others = [
            await stack.enter_async_context(running_service(s, broker, await make_db(db_kind)))
            for s in (catalog_spec, assessment_spec, finance_spec)
        ]
        for body in sent:
            r = await registry.client.post("/v1/enterprises", json=body)
            assert r.status_code == 201, r.text

        async def indexed() -> bool:
            return (await indexer.client.get("/v1/stats/districts")).json()["total"] == len(sent)

        await wait_for(indexed, what="the indexer to count every enterprise")
        stats = (await indexer.client.get("/v1/stats/districts")).json()
        expected = Counter(b["district_code"] for b in sent)
        assert {d["district_code"]: d["enterprises"] for d in stats["districts"]} == {
            code: expected.get(code, 0) for code in districts
        }
        industries = (await indexer.client.get("/v1/stats/industries")).json()
        by_division = Counter(b["industry_code"][:3] for b in sent)
        assert {i["industry_division"]: i["enterprises"] for i in industries["industries"] if i["enterprises"]} == dict(
            by_division
        )
        for svc in others:

            async def known(svc: RunningService = svc) -> bool:
                return (await svc.client.get("/v1/known-enterprises")).json()["total"] == len(sent)

            await wait_for(known, what=f"{svc.runtime.settings.service_name} read model")
            one = (await svc.client.get(f"/v1/known-enterprises/{sent[0]['uscc']}")).json()
            assert one["name"] == sent[0]["name"]
            assert one["registered_at"].endswith("Z") or one["registered_at"].endswith("+00:00")
            assert (await svc.client.get("/v1/known-enterprises/91350100M000100Y43")).status_code == 404


async def test_a_change_of_unit_moves_counts_and_read_models(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    uscc = "91350100M000100Y43"
    async with contextlib.AsyncExitStack() as stack:
        registry = await stack.enter_async_context(running_service(registry_spec, broker, await make_db(db_kind)))
        indexer = await stack.enter_async_context(running_service(indexer_spec, broker, await make_db(db_kind)))
        catalog = await stack.enter_async_context(running_service(catalog_spec, broker, await make_db(db_kind)))
        body = {"uscc": uscc, "name": "某企业", "district_code": "500101", "industry_code": "C3411"}
        assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201
        patch = {"district_code": "CQ-GXQ", "industry_code": "C3911", "name": "某企业（更名）"}
        assert (await registry.client.patch(f"/v1/enterprises/{uscc}", json=patch)).json()["version"] == 2

        async def moved() -> bool:
            stats = (await indexer.client.get("/v1/stats/districts")).json()
            by_code = {d["district_code"]: d["enterprises"] for d in stats["districts"]}
            return by_code["CQ-GXQ"] == 1 and by_code["500101"] == 0

        await wait_for(moved, what="the count to move to CQ-GXQ")
        industries = (await indexer.client.get("/v1/stats/industries")).json()
        nonzero = {i["industry_division"]: i["enterprises"] for i in industries["industries"] if i["enterprises"]}
        assert nonzero == {"C39": 1}
        assert (await indexer.client.get("/v1/stats/districts")).json()["total"] == 1

        async def renamed() -> bool:
            r = await catalog.client.get(f"/v1/known-enterprises/{uscc}")
            return r.status_code == 200 and r.json()["name"] == "某企业（更名）"

        await wait_for(renamed, what="catalog to see version 2")
        assert (await catalog.client.get(f"/v1/known-enterprises/{uscc}")).json()["district_code"] == "CQ-GXQ"
