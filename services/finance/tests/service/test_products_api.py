"""Products over HTTP: the shipped defaults, publishing versions, who may."""

from __future__ import annotations

from finance.main import spec
from testkit.databases import MigratedDbFactory
from testkit.finance import BANK, DISTRICT
from testkit.services import service_under_test


async def test_the_defaults_are_there_as_version_1(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        products = (await svc.client.get("/v1/products", headers=BANK)).json()
        assert [(p["product_id"], p["version"]) for p in products] == [
            ("interest-subsidy", 1),
            ("special-loan", 1),
            ("transformation-subsidy", 1),
            ("yulian-loan", 1),
        ]


async def test_only_the_city_publishes_and_the_kind_stays(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        body = (await svc.client.get("/v1/products/yulian-loan/versions/1")).json()
        definition = {k: v for k, v in body.items() if k not in ("version", "published_at", "published_by")}
        assert (await svc.client.post("/v1/products", json=definition, headers=DISTRICT)).status_code == 403
        changed = {
            **definition,
            "kind": "interest_subsidy",
            "terms": {"subsidy_share": "0.5", "subsidy_cap_fen": 1, "subsidised_loans": ["yulian-loan"]},
        }
        refused = await svc.client.post("/v1/products", json=changed)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "kind"
        assert (await svc.client.get("/v1/products/yulian-loan/versions/2")).status_code == 404
        assert (await svc.client.post("/v1/products", json=definition)).json()["version"] == 2
