"""Version 1 of an enterprise (its registration) is kept on its row until it first changes, then stored: the
history reads the same before and after, through the API and the push, on SQLite and PostgreSQL, and the
downgrade of migration 0012 stores it as the registration used to."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from alembic import command
from sqlalchemy import text

from contracts.api.identity import Role
from registry.main import spec
from registry.models import EnterpriseVersion
from servicekit.db import make_engine
from servicekit.migrations import alembic_config, upgrade_async
from testkit.data import FULL_ENTERPRISE, random_uscc
from testkit.databases import DbFactory, MigratedDbFactory
from testkit.push import enterprise_record, registry_with_providers
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

USCC, OTHER = FULL_ENTERPRISE["uscc"], random_uscc(random.Random(12))
FULL: dict[str, Any] = FULL_ENTERPRISE | {"revenue_yuan": "12345678.90"}  # kept normalised: 12345678.9


async def history(svc: RunningService, uscc: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    r = await svc.client.get(f"/v1/enterprises/{uscc}/versions", headers=headers)
    assert r.status_code == 200, r.text
    return list(r.json())


def registration_changes(e: dict[str, Any]) -> dict[str, Any]:
    """What version 1 says of the enterprise `e` as GET /v1/enterprises answers it: every field that is set."""
    fields = (
        "name", "district_code", "industry_code", "employees", "revenue_yuan", "revenue_year", "tiers", "cluster",
        "chain_platforms", "contacts", "industry_division", "key_industry_id", "sub_industry", "size_class",
        "above_scale", "current_tier",
    )  # fmt: skip
    after = {f: e[f] for f in fields if e[f] is not None} | {"revenue_yuan": "12345678.9"}  # a decimal, normalised
    return {f: {"before": None, "after": v} for f, v in after.items()}


async def test_version_one_reads_the_same_before_and_after_changes(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        assert (await svc.client.post("/v1/enterprises", json=FULL)).status_code == 201
        e = (await svc.client.get(f"/v1/enterprises/{USCC}")).json()
        first = await history(svc, USCC)
        assert [(v["version"], v["actor"], v["role"], v["action"]) for v in first] == [
            (1, "test-city", "city", "register")
        ]
        assert first[0]["changes"] == registration_changes(e)
        assert first[0]["changed_at"] == e["registered_at"]
        assert await svc.count(EnterpriseVersion) == 0  # on the row until it changes

        for employees in (181, 182):
            r = await svc.client.patch(f"/v1/enterprises/{USCC}", json={"employees": employees})
            assert r.status_code == 200, r.text
        after = await history(svc, USCC)
        assert [v["version"] for v in after] == [1, 2, 3]
        assert after[0] == first[0]  # written from the row as it was before the change, once
        assert after[1]["changes"] == {"employees": {"before": 180, "after": 181}}
        assert await svc.count(EnterpriseVersion) == 3


async def test_a_pushed_enterprise_keeps_its_version_one_when_pushed_again(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    data = {k: v for k, v in FULL.items() if k not in ("uscc", "tiers")}
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        as_provider = bearer(Role.PROVIDER, provider_id=pid)
        first: list[dict[str, Any]] = []
        for version, employees in ((1, 180), (2, 181), (3, 181)):
            record = enterprise_record("crm-1", USCC, version=version, **{**data, "employees": employees})
            pushed = await registry.client.post("/v1/push/records", json={"records": [record]}, headers=as_provider)
            assert pushed.status_code == 200 and pushed.json()["rejected"] == 0, pushed.text
            first = first or await history(registry, USCC, as_provider)
        assert [(v["version"], v["role"], v["action"]) for v in first] == [(1, "provider", "push")]
        assert first[0]["changes"]["employees"] == {"before": None, "after": 180}
        after = await history(registry, USCC, as_provider)
        assert [v["version"] for v in after] == [1, 2]
        assert after[0] == first[0]
        assert await registry.count(EnterpriseVersion) == 2


async def _versions_table(url: str) -> dict[tuple[str, int], dict[str, Any]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT uscc, version, actor, role, action, changes FROM enterprise_versions")
            )
            return {(r.uscc, r.version): {**r._mapping, "changes": json.loads(r.changes)} for r in rows}
    finally:
        await engine.dispose()


async def test_the_downgrade_stores_version_one_as_the_registration_did(make_db: DbFactory, db_kind: str) -> None:
    url = await make_db(db_kind)
    await upgrade_async(spec.migrations_dir, url)
    async with service_under_test(spec, url) as svc:
        for body in (FULL, {"uscc": OTHER, "name": "另一家", "district_code": "500103", "industry_code": "C3411"}):
            assert (await svc.client.post("/v1/enterprises", json=body)).status_code == 201
        assert (await svc.client.patch(f"/v1/enterprises/{OTHER}", json={"employees": 9})).status_code == 200
        before = {u: await history(svc, u) for u in (USCC, OTHER)}

    await asyncio.to_thread(command.downgrade, alembic_config(spec.migrations_dir, url), "0011")
    stored = await _versions_table(url)
    assert sorted(stored) == sorted([(OTHER, 1), (OTHER, 2), (USCC, 1)])  # the changed one's version 1 not twice
    v1 = before[USCC][0]
    assert stored[(USCC, 1)] == {k: v1[k] for k in ("version", "actor", "role", "action", "changes")} | {"uscc": USCC}
    as_text = [json.dumps(c, sort_keys=True) for c in (stored[(USCC, 1)]["changes"], v1["changes"])]
    assert as_text[0] == as_text[1]  # as text too: 0 == False in Python, not in JSON

    await upgrade_async(spec.migrations_dir, url)  # again: every version 1 is stored now, none is on a row
    async with service_under_test(spec, url) as svc:
        assert {u: await history(svc, u) for u in (USCC, OTHER)} == before
