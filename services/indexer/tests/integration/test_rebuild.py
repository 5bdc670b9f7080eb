"""`python -m indexer rebuild` empties the read model and re-consumes it from the start."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from devstack.broker import Broker
from indexer.main import spec as indexer_spec
from indexer.models import EnterpriseCount
from registry.main import spec as registry_spec
from servicekit.cli import rebuild_read_models
from servicekit.db import make_engine
from testkit.databases import DbFactory
from testkit.services import running_service
from testkit.waits import wait_for

pytestmark = [pytest.mark.broker]

BODIES = [
    {"uscc": u, "name": f"企业{i}", "district_code": d, "industry_code": "C35"}
    for i, (u, d) in enumerate(
        [("914403001922038216", "500101"), ("91440300708461136T", "500101"), ("91330100716105852F", "CQ-GXQ")]
    )
]


async def test_rebuild_refills_the_read_model_exactly(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    group = f"indexer-{uuid.uuid4().hex[:6]}"
    indexer_db = await make_db(db_kind)
    async with running_service(registry_spec, broker, await make_db(db_kind)) as registry:
        for b in BODIES:
            assert (await registry.client.post("/v1/enterprises", json=b)).status_code == 201
        async with running_service(indexer_spec, broker, indexer_db, consumer_group=group) as indexer:

            async def counted() -> bool:
                return (await indexer.client.get("/v1/stats/districts")).json()["total"] == 3

            await wait_for(counted, what="3 counted")
            settings = indexer.runtime.settings
        message = await rebuild_read_models(indexer_spec, settings)
        assert group in message
        engine = make_engine(indexer_db)
        async with engine.connect() as conn:
            assert (await conn.execute(select(EnterpriseCount))).all() == []
            assert (await conn.execute(select(indexer_spec.tables.inbox))).all() == []
        await engine.dispose()
        async with running_service(indexer_spec, broker, indexer_db, consumer_group=group) as indexer:
            await wait_for(counted, what="3 counted again after the rebuild")
            stats = (await indexer.client.get("/v1/stats/districts")).json()
            by_code = {d["district_code"]: d["enterprises"] for d in stats["districts"]}
            assert (stats["total"], by_code["500101"], by_code["CQ-GXQ"]) == (3, 2, 1)
