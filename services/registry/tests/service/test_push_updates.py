"""A pushed new version of an enterprise records exactly what changed: stored values read back in bulk
compare equal to the same values pushed again (decimals, lists, contacts), on SQLite and PostgreSQL."""

from __future__ import annotations

from contracts.api.identity import Role
from registry.main import spec
from testkit.databases import MigratedDbFactory
from testkit.push import enterprise_record, registry_with_providers
from testkit.tokens import bearer

USCC = "91350100M000100Y43"
FULL = {
    "employees": 120,
    "revenue_yuan": "35000000.50",
    "revenue_year": 2025,
    "cluster": "T1",
    "chain_platforms": ["平台甲", "平台乙"],
    "contacts": [{"name": "张三", "phone": "13800000000", "role": "数字化负责人"}],
}


async def test_a_new_version_records_only_the_field_that_changed(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        as_provider = bearer(Role.PROVIDER, provider_id=pid)
        for version, employees in ((1, 120), (2, 121)):
            record = enterprise_record("crm-1", USCC, version=version, **{**FULL, "employees": employees})
            pushed = await registry.client.post("/v1/push/records", json={"records": [record]}, headers=as_provider)
            assert pushed.status_code == 200 and pushed.json()["rejected"] == 0, pushed.text
        versions = (await registry.client.get(f"/v1/enterprises/{USCC}/versions", headers=as_provider)).json()
        assert sorted(v["version"] for v in versions) == [1, 2]
        second = next(v for v in versions if v["version"] == 2)
        assert second["changes"] == {"employees": {"before": 120, "after": 121}}
