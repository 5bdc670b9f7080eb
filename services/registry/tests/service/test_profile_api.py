"""The enterprise profile: derived facts, versioned changes with events, search with cursors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from contracts.api.identity import Role
from registry.main import spec
from registry.models import tables
from testkit.data import FULL_ENTERPRISE
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

USCC = FULL_ENTERPRISE["uscc"]
FULL: dict[str, Any] = FULL_ENTERPRISE


@pytest.fixture
async def registry(migrated_db: MigratedDbFactory, db_kind: str) -> AsyncIterator[RunningService]:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        r = await svc.client.post("/v1/enterprises", json=FULL)
        assert r.status_code == 201, r.text
        yield svc


async def outbox(svc: RunningService) -> list[Any]:
    async with svc.runtime.engine.connect() as conn:
        return list((await conn.execute(select(tables.outbox).order_by(tables.outbox.c.id))).all())


async def test_profile_is_stored_exactly_with_derived_facts(registry: RunningService) -> None:
    e = (await registry.client.get(f"/v1/enterprises/{USCC}")).json()
    assert e["revenue_yuan"] == "12345678.91"  # exact, also on SQLite
    assert (e["size_class"], e["above_scale"], e["current_tier"]) == ("small", False, "specialised")
    assert (e["key_industry_id"], e["sub_industry"], e["industry_division"]) == (3, "SUB-C367", "C36")
    assert e["contacts"][0]["name"] == "张三"
    assert e["version"] == 1
    registered = json.loads((await outbox(registry))[0].payload)
    assert (registered["size_class"], registered["current_tier"]) == ("small", "specialised")


async def test_a_change_is_a_new_version_with_an_event(registry: RunningService) -> None:
    r = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"revenue_yuan": "25000000", "employees": 320})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["size_class"], r.json()["above_scale"]) == (2, "medium", True)
    history = (await registry.client.get(f"/v1/enterprises/{USCC}/versions")).json()
    assert [v["version"] for v in history] == [1, 2]
    assert history[1]["changes"]["size_class"] == {"before": "small", "after": "medium"}
    assert history[1]["changes"]["revenue_yuan"] == {"before": "12345678.91", "after": "25000000"}
    assert (history[1]["actor"], history[1]["action"]) == ("test-city", "update")
    rows = await outbox(registry)
    assert [r.event_type for r in rows] == ["registry.enterprise.registered", "registry.enterprise.updated"]
    updated = json.loads(rows[1].payload)
    assert updated["version"] == 2
    assert updated["changes"]["above_scale"] == {"before": False, "after": True}
    assert updated["profile"]["size_class"] == "medium"
    assert "contacts" not in updated["profile"]  # personal data stays in the registry


async def test_a_change_to_nothing_new_is_no_version_and_no_event(registry: RunningService) -> None:
    r = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"employees": 180, "revenue_yuan": "12345678.910"})
    assert r.json()["version"] == 1
    assert len(await outbox(registry)) == 1


async def test_contacts_change_is_versioned_but_not_broadcast(registry: RunningService) -> None:
    r = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"contacts": []})
    assert r.json()["version"] == 2
    assert len(await outbox(registry)) == 1


async def test_enterprise_may_change_its_figures_not_its_recognitions(registry: RunningService) -> None:
    me = bearer(Role.ENTERPRISE, uscc=USCC)
    ok = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"employees": 200}, headers=me)
    assert ok.status_code == 200
    denied = await registry.client.patch(
        f"/v1/enterprises/{USCC}", json={"employees": 1, "tiers": [], "district_code": "500101"}, headers=me
    )
    assert denied.status_code == 403
    assert denied.json()["message"] == "an enterprise may not change district_code, tiers"
    assert (await registry.client.get(f"/v1/enterprises/{USCC}")).json()["employees"] == 200


async def test_district_authority_cannot_move_an_enterprise_out_of_its_unit(registry: RunningService) -> None:
    district = bearer(Role.DISTRICT, districts=["500112"])
    r = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"district_code": "500101"}, headers=district)
    assert r.status_code == 403
    moved = await registry.client.patch(f"/v1/enterprises/{USCC}", json={"district_code": "500101"})
    assert moved.json()["district_code"] == "500101"
    assert (await registry.client.get(f"/v1/enterprises/{USCC}", headers=district)).status_code == 403


BAD_PATCHES = [
    ({"name": None}, "name", "cannot be cleared"),
    ({"cluster": "T9"}, "cluster", "unknown 33618 cluster"),
    ({"revenue_yuan": "-1"}, "revenue_yuan", "greater than or equal to 0"),
    ({"revenue_yuan": "1.234"}, "revenue_yuan", "decimal places"),
    (
        {
            "tiers": [
                {"tier": "specialised", "issuing_body": "x", "recognised_on": "2024-01-01", "valid_until": "2023-01-01"}
            ]
        },
        "tiers.0",
        "before recognised_on",
    ),
    (
        {"tiers": [{"tier": "gold", "issuing_body": "x", "recognised_on": "2024-01-01"}]},
        "tiers.0.tier",
        "Input should be",
    ),
    ({"contacts": [{"name": "李四", "email": "not-an-email"}]}, "contacts.0.email", "pattern"),
    ({"size_class": "micro"}, "size_class", "Extra inputs"),  # derived, never given
]


@pytest.mark.parametrize(("patch", "field", "message"), BAD_PATCHES, ids=[b[1] for b in BAD_PATCHES])
async def test_bad_patch_names_the_field_and_changes_nothing(
    registry: RunningService, patch: dict[str, Any], field: str, message: str
) -> None:
    r = await registry.client.patch(f"/v1/enterprises/{USCC}", json=patch)
    assert r.status_code == 422, r.text
    assert any(e["field"] == field and message in e["message"] for e in r.json()["errors"]), r.json()
    e = (await registry.client.get(f"/v1/enterprises/{USCC}")).json()
    assert (e["version"], e["name"], e["cluster"]) == (1, FULL["name"], "T1")


SEEDS = [  # (uscc, district, industry, employees, revenue, tier)
    ("914403001922038216", "500101", "C3411", 50, "5000000", None),
    ("91440300708461136T", "500101", "C3411", 400, "30000000", "little_giant"),
    ("91330100716105852F", "500103", "C2611", 10, "100000", None),
    ("91310000132260250X", "500101", "C3670", 25, "3000000", None),
    ("12100000425006133D", "CQ-GXQ", "C3911", 600, "90000000", "specialised"),
    ("91340100MA2NJYNM4Q", "500101", "C3511", 30, "4000000", None),
]


async def test_search_filters_scopes_and_pages(registry: RunningService) -> None:
    for uscc, district, industry, employees, revenue, tier in SEEDS:
        body: dict[str, Any] = {
            "uscc": uscc,
            "name": f"企业{uscc[-4:]}",
            "district_code": district,
            "industry_code": industry,
            "employees": employees,
            "revenue_yuan": revenue,
        }
        if tier:
            body["tiers"] = [{"tier": tier, "issuing_body": "x", "recognised_on": "2024-01-01"}]
        assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201

    async def uscc_list(**params: Any) -> list[str]:
        r = await registry.client.get("/v1/enterprises", params=params)
        assert r.status_code == 200, r.text
        return [e["uscc"] for e in r.json()["items"]]

    assert await uscc_list(district_code="500101") == sorted(s[0] for s in SEEDS if s[1] == "500101")
    assert await uscc_list(tier="little_giant") == ["91440300708461136T"]
    assert await uscc_list(above_scale="true") == sorted(["91440300708461136T", "12100000425006133D"])
    assert await uscc_list(size_class="micro") == ["91330100716105852F"]
    assert await uscc_list(key_industry_id=3) == sorted(["91310000132260250X", USCC])
    assert await uscc_list(q="133D") == ["12100000425006133D"]
    assert await uscc_list(q="%") == []  # wildcards are literal
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await registry.client.get("/v1/enterprises", params=params)).json()
        seen += [e["uscc"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted([USCC, *(s[0] for s in SEEDS)])
    unit = bearer(Role.DISTRICT, districts=["500103"])
    mine = (await registry.client.get("/v1/enterprises", headers=unit)).json()["items"]
    assert [e["uscc"] for e in mine] == ["91330100716105852F"]
    assert (
        await registry.client.get("/v1/enterprises", params={"district_code": "500101"}, headers=unit)
    ).status_code == 403
    bad_cursor = await registry.client.get("/v1/enterprises", params={"cursor": "zzz"})
    assert (bad_cursor.status_code, bad_cursor.json()["errors"][0]["field"]) == (422, "cursor")
    unknown = await registry.client.get("/v1/enterprises", params={"district_code": "110101"})
    assert unknown.status_code == 422
