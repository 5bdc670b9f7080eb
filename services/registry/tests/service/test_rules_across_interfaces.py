"""The same rules on every write interface: a suspended provider is refused everywhere, a provider files
projects only for its own enterprises (and cannot tell unknown from not-its-own), only the city or the
unit's district authority moves an enterprise between units, and scope filters are refused, not ignored."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts.api.identity import Role
from registry.main import spec
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

CITY_ENTERPRISE = {
    "uscc": "91350100M000100Y43",
    "name": "区里登记的企业",
    "district_code": "500103",
    "industry_code": "C36",
}


def record(uscc: str, version: int = 1, district: str = "500112") -> dict[str, Any]:
    return {
        "record_id": f"e-{uscc}",
        "version": version,
        "kind": "enterprise",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "data": {"uscc": uscc, "name": "推送企业", "district_code": district, "industry_code": "C3411"},
    }


@dataclass
class World:
    registry: RunningService
    pid: str  # approved, pushed `own`
    other: str  # approved, pushed nothing
    own: str  # USCC pushed by pid

    def as_provider(self, pid: str | None = None) -> dict[str, str]:
        return bearer(Role.PROVIDER, provider_id=pid or self.pid)


@pytest.fixture
async def world(migrated_db: MigratedDbFactory) -> AsyncIterator[World]:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as registry:
        ids = []
        for uscc in ("91440300708461136T", "914403001922038216"):
            body = {"name": f"服务商{uscc[-4:]}", "uscc": uscc, "categories": ["solution"]}
            pid = (await registry.client.post("/v1/providers", json=body)).json()["provider_id"]
            await registry.client.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "通过"})
            ids.append(pid)
        own = random_uscc(random.Random(11))
        w = World(registry, ids[0], ids[1], own)
        pushed = await registry.client.post("/v1/push/records", json=[record(own)], headers=w.as_provider())
        assert pushed.json()["created"] == 1, pushed.text
        assert (await registry.client.post("/v1/enterprises", json=CITY_ENTERPRISE)).status_code == 201
        yield w


async def file(w: World, uscc: str, pid: str | None = None) -> Any:
    body = {"uscc": uscc, "provider_id": pid or w.pid, "title": "MES 上云"}
    return await w.registry.client.post("/v1/projects", json=body, headers=w.as_provider(pid))


async def test_a_provider_files_projects_for_enterprises_it_pushed(world: World) -> None:
    assert (await file(world, world.own)).status_code == 201


async def test_unknown_and_not_own_enterprises_get_the_same_answer(world: World) -> None:
    not_own = await file(world, CITY_ENTERPRISE["uscc"])
    unknown = await file(world, "91330100716105852F")
    assert not_own.status_code == unknown.status_code == 422
    assert not_own.json()["message"].replace(CITY_ENTERPRISE["uscc"], "X") == unknown.json()["message"].replace(
        "91330100716105852F", "X"
    )
    assert not_own.json()["errors"][0]["field"] == "uscc"


async def test_a_provider_files_for_an_enterprise_its_district_assigned_to_it(world: World) -> None:
    c = world.registry.client
    district = bearer(Role.DISTRICT, districts=["500103"])
    assigned = {"uscc": CITY_ENTERPRISE["uscc"], "provider_id": world.other, "title": "区里指派的诊断"}
    assert (await c.post("/v1/projects", json=assigned, headers=district)).status_code == 201
    assert (await file(world, CITY_ENTERPRISE["uscc"], world.other)).status_code == 201


async def test_a_suspended_provider_cannot_move_or_file_projects(world: World) -> None:
    c = world.registry.client
    project = (await file(world, world.own)).json()["project_id"]
    r = await c.post(f"/v1/providers/{world.pid}/status", json={"status": "suspended", "reason": "数据造假"})
    assert r.status_code == 200
    move = await c.post(
        f"/v1/projects/{project}/transitions", json={"to_stage": "strategy"}, headers=world.as_provider()
    )
    assert move.status_code == 403 and "suspended" in move.json()["message"]
    assert (await file(world, world.own)).status_code == 403
    push = await c.post("/v1/push/records", json=[record(world.own, 2)], headers=world.as_provider())
    assert push.status_code == 403
    assert (await c.get(f"/v1/projects/{project}")).json()["stage"] == "diagnosis"


async def test_a_provider_cannot_move_its_enterprise_to_another_unit(world: World) -> None:
    c = world.registry.client
    moved = await c.post("/v1/push/records", json=[record(world.own, 2, "500103")], headers=world.as_provider())
    result = moved.json()["results"][0]
    assert (result["status"], result["errors"][0]["code"]) == ("rejected", "unit_change_not_allowed")
    assert result["errors"][0]["field"] == "data.district_code"
    assert (await c.get(f"/v1/enterprises/{world.own}")).json()["district_code"] == "500112"


async def test_another_providers_batch_is_forbidden_not_missing(world: World) -> None:
    c = world.registry.client
    batch = (await c.post("/v1/push/records", json=[record(world.own, 3)], headers=world.as_provider())).json()
    theirs = await c.get(f"/v1/push/batches/{batch['batch_id']}", headers=world.as_provider(world.other))
    assert theirs.status_code == 403
    missing = await c.get("/v1/push/batches/pb_000000000000", headers=world.as_provider(world.other))
    assert missing.status_code == 404


async def test_a_provider_lists_providers_and_sees_itself_only(world: World) -> None:
    r = await world.registry.client.get("/v1/providers", headers=world.as_provider())
    assert r.status_code == 200
    assert [p["provider_id"] for p in r.json()] == [world.pid]


async def test_client_creation_checks_the_actor_it_names(world: World) -> None:
    c = world.registry.client
    ghost = await c.post("/v1/clients", json={"name": "x", "role": "provider", "provider_id": "pv_ghost"})
    assert ghost.status_code == 422 and ghost.json()["errors"][0]["field"] == "provider_id"
    misfit = {"name": "x", "role": "district", "districts": ["500103"], "provider_id": world.pid}
    wrong_role = await c.post("/v1/clients", json=misfit)
    assert wrong_role.status_code == 422 and "provider_id does not belong to a district client" in wrong_role.text
    bank_on_city = await c.post("/v1/clients", json={"name": "x", "role": "city", "bank_id": "b1"})
    assert bank_on_city.status_code == 422
    good = await c.post("/v1/clients", json={"name": "平台", "role": "provider", "provider_id": world.pid})
    assert good.status_code == 201, good.text
