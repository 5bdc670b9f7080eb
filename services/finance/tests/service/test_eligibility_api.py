"""Eligibility for banks over HTTP: consent first, reasons per rule, versions kept, every query logged."""

from __future__ import annotations

import copy

from contracts.api.journey import Stage
from finance.main import spec
from finance.models import EligibilityQuery
from testkit.databases import MigratedDbFactory
from testkit.finance import (
    BANK,
    ENTERPRISE,
    OTHER,
    OTHER_BANK,
    USCC,
    consent,
    finalised,
    level_changed,
    project_at,
    registered,
    tell,
)
from testkit.services import RunningService, service_under_test


async def ask(svc: RunningService, uscc: str = USCC, product: str = "special-loan", headers: dict[str, str] = BANK):
    return await svc.client.get(f"/v1/eligibility/{uscc}?product={product}", headers=headers)


async def test_without_consent_the_bank_learns_nothing(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered())
        known, unknown = await ask(svc), await ask(svc, OTHER)
        assert known.status_code == unknown.status_code == 403
        assert set(known.json()) == set(unknown.json())
        assert known.json()["message"] == unknown.json()["message"]  # the same words whether it exists or not
        assert USCC not in known.text and "某企业" not in known.text
        assert await svc.count(EligibilityQuery) == 2  # refusals are logged too


async def test_consent_for_another_bank_or_product_does_not_count(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        await consent(svc, product="yulian-loan", bank="cqrcb")
        await consent(svc, product="special-loan", bank="boc-cq")
        assert (await ask(svc)).status_code == 403
        assert (await ask(svc, headers=OTHER_BANK)).status_code == 200
        assert (await ask(svc, product="yulian-loan")).status_code == 200


async def test_revoked_consent_is_refused_from_that_moment(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        consent_id = await consent(svc)
        assert (await ask(svc)).status_code == 200
        body = {"reason": "换银行"}
        await svc.client.post(f"/v1/consents/{consent_id}/revocation", json=body, headers=ENTERPRISE)
        assert (await ask(svc)).status_code == 403


async def test_one_condition_short_is_named_then_met(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.DESIGN), finalised(1))
        await consent(svc)
        short = (await ask(svc)).json()
        assert short["eligible"] is False
        assert [r["id"] for r in short["rules"] if not r["passed"]] == ["past-design"]
        assert short["suggested_limit_fen"] == 500_000_000  # a small enterprise: 5,000,000 yuan
        await tell(svc, *project_at(Stage.IMPLEMENTATION)[-1:])
        met = (await ask(svc)).json()
        assert met["eligible"] is True and all(r["passed"] for r in met["rules"])
        assert met["rules"][0]["reason_zh"].startswith("满足：")


async def test_transformation_subsidy_from_the_level_change(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.EVALUATION), level_changed(1, 2))
        await consent(svc, product="transformation-subsidy")
        answer = (await ask(svc, product="transformation-subsidy")).json()
        assert answer["eligible"] is True
        assert (answer["subsidy_cap_fen"], answer["subsidy_headroom_fen"]) == (50_000_000, 50_000_000)
        assert answer["suggested_limit_fen"] is None


async def test_a_new_product_version_changes_new_answers_only(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), *project_at(Stage.IMPLEMENTATION), finalised(1))
        await consent(svc)
        first = (await ask(svc)).json()
        assert (first["eligible"], first["product_version"]) == (True, 1)

        current = (await svc.client.get("/v1/products/special-loan/versions/1")).json()
        stricter = copy.deepcopy({k: current[k] for k in ("product_id", "kind", "name_zh", "name_en", "source")})
        stricter["terms"] = current["terms"]
        level_2 = {
            "id": "level-2",
            "fact": "latest_level",
            "op": "ge",
            "value": 2,
            "label_zh": "已达二级",
            "label_en": "at level 2",
        }
        stricter["conditions"] = [*current["conditions"], level_2]
        published = await svc.client.post("/v1/products", json=stricter)
        assert published.status_code == 201 and published.json()["version"] == 2

        second = (await ask(svc)).json()
        assert (second["eligible"], second["product_version"]) == (False, 2)
        assert [r["id"] for r in second["rules"] if not r["passed"]] == ["level-2"]
        log = (await svc.client.get(f"/v1/enterprises/{USCC}/eligibility-queries", headers=ENTERPRISE)).json()
        assert [(q["product_version"], q["eligible"], q["told"]) for q in log] == [
            (2, False, "not met: level-2"),
            (1, True, "eligible"),
        ]
        assert (await svc.client.get("/v1/products/special-loan/versions/1")).json()["conditions"] == current[
            "conditions"
        ]


async def test_the_enterprise_sees_every_query_refused_ones_included(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), registered(OTHER, "500104"))
        await ask(svc)  # refused: no consent yet
        await consent(svc)
        await ask(svc)
        await ask(svc, OTHER)  # about another enterprise: not in this one's log
        log = (await svc.client.get(f"/v1/enterprises/{USCC}/eligibility-queries", headers=ENTERPRISE)).json()
        assert [(q["bank_id"], q["outcome"]) for q in log] == [("cqrcb", "answered"), ("cqrcb", "refused")]
        assert log[1]["told"].startswith("no active consent")
        other = await svc.client.get(f"/v1/enterprises/{OTHER}/eligibility-queries", headers=ENTERPRISE)
        assert other.status_code == 403


async def test_an_unknown_product_is_a_field_error(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        answer = await ask(svc, product="free-money")
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "product"
        assert "special-loan" in answer.json()["message"]


async def test_a_bank_asking_too_fast_is_told_when_to_come_back(migrated_db: MigratedDbFactory) -> None:
    url = await migrated_db(spec, "sqlite")
    async with service_under_test(spec, url, eligibility_queries_per_minute=60, eligibility_burst=2) as svc:
        await tell(svc, registered())
        await consent(svc)
        assert [(await ask(svc)).status_code for _ in range(2)] == [200, 200]
        throttled = await ask(svc)
        assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
        assert (await ask(svc, headers=OTHER_BANK)).status_code == 403  # another bank has its own allowance
        assert await svc.count(EligibilityQuery) == 3  # the throttled request was not a query


async def test_the_fast_lane_answers_as_the_full_route(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered(), *project_at(Stage.DESIGN), finalised(1))
        await consent(svc)
        fast = await ask(svc)
        # a repeated parameter is not the fast lane's (servicekit.fastlane): FastAPI's route answers it
        full = await ask(svc, product="special-loan&product=special-loan")
        assert fast.status_code == full.status_code == 200
        assert fast.headers["content-type"] == full.headers["content-type"] == "application/json"
        kept = {k: v for k, v in fast.json().items() if k not in ("query_id", "asked_at")}
        assert kept == {k: v for k, v in full.json().items() if k not in ("query_id", "asked_at")}
        assert kept["eligible"] is False and fast.json()["asked_at"].endswith("Z")
        refused = await ask(svc, OTHER), await ask(svc, OTHER, product="special-loan&product=special-loan")
        assert [r.status_code for r in refused] == [403, 403] and refused[0].json() == refused[1].json()
        assert await svc.count(EligibilityQuery) == 4


async def test_malformed_queries_get_field_errors(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        await consent(svc)
        bad_uscc = await ask(svc, uscc="91500000MA5U7K8X1")
        assert bad_uscc.status_code == 422 and bad_uscc.json()["errors"][0]["field"] == "uscc"
        no_product = await svc.client.get(f"/v1/eligibility/{USCC}", headers=BANK)
        assert no_product.status_code == 422 and no_product.json()["errors"][0]["field"] == "product"
        too_long = await ask(svc, product="x" * 41)
        assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "product"
        no_token = {"Authorization": ""}
        assert (await ask(svc, headers=no_token)).status_code == 401
        assert (await ask(svc, headers=ENTERPRISE)).status_code == 403  # not a bank
        assert (await svc.client.get(f"/v1/eligibility/{USCC}?product=special-loan")).status_code == 403  # the city
        assert await svc.count(EligibilityQuery) == 0  # none of these was a query
