"""Registry HTTP API on a real database (SQLite and PostgreSQL), relay and consumers off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.api.identity import Role, TokenClaims
from contracts.uscc import check_character
from registry.enterprises import repository, service
from registry.main import spec
from registry.models import Enterprise, EnterpriseVersion, tables
from servicekit.errors import Conflict
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test

GOOD: dict[str, str] = {
    "uscc": "91350100M000100Y43",
    "name": "重庆某某机械有限公司",
    "district_code": "500103",
    "industry_code": "C3411",
}


@pytest.fixture
async def registry(migrated_db: MigratedDbFactory, db_kind: str) -> AsyncIterator[RunningService]:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        yield svc


async def test_register_then_read(registry: RunningService) -> None:
    r = await registry.client.post("/v1/enterprises", json=GOOD)
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/v1/enterprises/91350100M000100Y43"
    body = r.json()
    assert body["district_name"] == "渝中区"
    assert body["industry_division"] == "C34"
    assert body["key_industry_id"] == 1
    assert body["registered_at"].endswith("Z")
    got = await registry.client.get("/v1/enterprises/91350100m000100y43")
    assert got.status_code == 200
    assert got.json() == body
    assert await registry.count(tables.outbox) == 1


async def test_duplicate_uscc_is_409_and_changes_nothing(registry: RunningService) -> None:
    assert (await registry.client.post("/v1/enterprises", json=GOOD)).status_code == 201
    r = await registry.client.post("/v1/enterprises", json={**GOOD, "name": "另一个名字"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "uscc"
    assert (await registry.client.get(f"/v1/enterprises/{GOOD['uscc']}")).json()["name"] == GOOD["name"]
    assert await registry.count(tables.outbox) == 1


BAD_BODIES: list[tuple[str, Any, int, str, str]] = [
    ("malformed JSON", b'{"uscc": "9135', 422, "body", "malformed JSON"),
    ("wrong check character", {**GOOD, "uscc": "91110108717809965C"}, 422, "uscc", "expected 'J'"),
    ("letter outside the set", {**GOOD, "uscc": "91350100MO00100Y43"}, 422, "uscc", "outside the USCC set"),
    ("unknown district", {**GOOD, "district_code": "110101"}, 422, "district_code", "unknown district unit"),
    ("not manufacturing", {**GOOD, "industry_code": "F5111"}, 422, "industry_code", "not a GB/T 4754-2017"),
    ("missing name", {k: v for k, v in GOOD.items() if k != "name"}, 422, "name", "Field required"),
    ("empty name", {**GOOD, "name": "   "}, 422, "name", "at least 1 character"),
    ("unknown field", {**GOOD, "size": "small"}, 422, "size", "Extra inputs"),
    ("not an object", [GOOD], 422, "body", "valid dictionary"),
    ("oversized body", {**GOOD, "name": "x" * 2_000_000}, 413, "", "exceeds"),
]


@pytest.mark.parametrize(("case", "body", "status", "field", "message"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
async def test_bad_input_is_a_clear_4xx_and_stores_nothing(
    registry: RunningService, case: str, body: Any, status: int, field: str, message: str
) -> None:
    assert (
        await registry.client.post("/v1/enterprises", json={**GOOD, "uscc": "914403001922038216"})
    ).status_code == 201
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, bytes) else {"json": body}
    r = await registry.client.post("/v1/enterprises", headers={"content-type": "application/json"}, **kwargs)
    assert r.status_code == status, r.text
    err = r.json()
    assert message in err["message"]
    if field:
        assert field in [e["field"] for e in err["errors"]], err
    assert await registry.count(Enterprise) == 1
    assert await registry.count(tables.outbox) == 1


async def test_oversized_chunked_body_without_length_is_413(registry: RunningService) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"uscc": "91350100M000100Y43", "name": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    r = await registry.client.post("/v1/enterprises", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert await registry.count(Enterprise) == 0


async def test_unknown_enterprise_is_404(registry: RunningService) -> None:
    r = await registry.client.get("/v1/enterprises/91350100M000100Y43")
    assert r.status_code == 404
    assert r.json()["error"] == "not_found"


async def test_health_ready_and_metrics(registry: RunningService) -> None:
    assert (await registry.client.get("/healthz")).json()["status"] == "ok"
    ready = await registry.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"
    await registry.client.get("/v1/enterprises/91350100M000100Y43")
    text = (await registry.client.get("/metrics")).text
    assert 'route="/v1/enterprises/{uscc}"' in text and 'status="404"' in text


async def test_district_code_table(registry: RunningService) -> None:
    units = (await registry.client.get("/v1/districts")).json()
    assert len(units) == 41 and units[-1] == {"code": "CQ-WSJK", "name": "万盛经开区", "kind": "functional_zone"}


def odd_uscc() -> str:
    """A valid USCC whose organisation-code check (position 17) differs from GB 11714's."""
    body = "91350100M000100Y5"
    return body + check_character(body)


async def test_an_organisation_code_mismatch_is_accepted_with_a_warning(registry: RunningService) -> None:
    r = await registry.client.post("/v1/enterprises", json={**GOOD, "uscc": odd_uscc()})
    assert r.status_code == 201, r.text
    warning = r.json()["warnings"][0]
    assert (warning["field"], warning["code"]) == ("uscc", "uscc_org_check_mismatch")
    assert "position 17" in warning["message"] and "第17位" in warning["message_zh"]
    again = await registry.client.get(f"/v1/enterprises/{odd_uscc()}")
    assert again.json()["warnings"] == [warning]


async def test_a_clean_uscc_has_no_warnings(registry: RunningService) -> None:
    r = await registry.client.post("/v1/enterprises", json=GOOD)
    assert r.json()["warnings"] == []


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("94350100M000100Y4", "position 2 '4' is not an entity type"),
        ("91990100M000100Y4", "positions 3-8 '990100'"),
    ],
)
async def test_a_uscc_with_a_wrong_structure_is_refused(registry: RunningService, uscc: str, message: str) -> None:
    r = await registry.client.post("/v1/enterprises", json={**GOOD, "uscc": uscc + check_character(uscc)})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "uscc"
    assert message in r.json()["message"]
    assert await registry.count(Enterprise) == 0


async def test_a_change_computed_from_a_stale_version_is_not_stored(registry: RunningService) -> None:
    """Changes are stored many at once (one UPDATE per batch), each only over the version it was computed from:
    one whose enterprise someone else changed meanwhile is left out (and named), the others are stored; a
    single PATCH computed from a stale version is a 409."""
    other = {**GOOD, "uscc": "914403001922038216", "name": "重庆另一家制造有限公司"}
    for body in (GOOD, other):
        assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201
    async with registry.runtime.uow() as uow:  # read as a push reads, before its write
        stale = await repository.enterprises_by_uscc(uow.session, [GOOD["uscc"], other["uscc"]])
    meanwhile = await registry.client.patch(f"/v1/enterprises/{GOOD['uscc']}", json={"employees": 7})
    assert meanwhile.status_code == 200 and meanwhile.json()["version"] == 2
    now = datetime.now(UTC)
    planned = [service.plan_change(stale[u], {"employees": 9}, now) for u in (GOOD["uscc"], other["uscc"])]
    actor = TokenClaims(sub="test-provider", role=Role.CITY, iat=now.timestamp(), exp=int(now.timestamp()) + 60)
    async with registry.runtime.uow() as uow:
        taken = await service.apply_changes(uow, actor, [p for p in planned if p is not None], "push")
        await uow.commit()
    assert taken == {GOOD["uscc"]}
    first = (await registry.client.get(f"/v1/enterprises/{GOOD['uscc']}")).json()
    second = (await registry.client.get(f"/v1/enterprises/{other['uscc']}")).json()
    assert (first["version"], first["employees"]) == (2, 7)  # the other writer's change stands
    assert (second["version"], second["employees"]) == (2, 9)
    assert await registry.count(EnterpriseVersion, EnterpriseVersion.uscc == GOOD["uscc"]) == 2  # no third
    updated = await registry.outbox("registry.enterprise.updated")
    assert [(e["uscc"], e["version"]) for e in updated] == [(GOOD["uscc"], 2), (other["uscc"], 2)]
    with pytest.raises(Conflict, match="changed by someone else"):
        async with registry.runtime.uow() as uow:
            await service.apply_change(uow, actor, stale[GOOD["uscc"]], {"employees": 11}, "update")
