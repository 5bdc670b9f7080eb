"""The provider push interface as tests meet it: records as a provider platform sends them, a registry with two
approved providers, and a push of one record."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.api.identity import Role
from registry.main import spec
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

NOW = datetime.now(UTC)
NDJSON = {"Content-Type": "application/x-ndjson"}


def enterprise_record(rid: str, uscc: str, version: int = 1, **data: Any) -> dict[str, Any]:
    return {
        "record_id": rid,
        "version": version,
        "kind": "enterprise",
        "occurred_at": (NOW - timedelta(hours=2)).isoformat(),
        "data": {"uscc": uscc, "name": f"企业{rid}", "district_code": "500112", "industry_code": "C3411", **data},
    }


def progress_record(rid: str, project_id: str, to_stage: str, version: int = 1) -> dict[str, Any]:
    return {
        "record_id": rid,
        "version": version,
        "kind": "project_progress",
        "occurred_at": NOW.isoformat(),
        "data": {"project_id": project_id, "to_stage": to_stage, "note": "平台同步"},
    }


def ndjson(records: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()


@asynccontextmanager
async def registry_with_providers(db_url: str, **settings: Any) -> AsyncIterator[tuple[RunningService, list[str]]]:
    """A registry (with these settings changed) with two approved providers."""
    async with service_under_test(spec, db_url, **settings) as registry:
        ids = []
        for uscc in ("91440300708461136T", "914403001922038216"):
            body = {"name": f"服务商{uscc[-4:]}", "uscc": uscc, "categories": ["solution"]}
            pid = (await registry.client.post("/v1/providers", json=body)).json()["provider_id"]
            ok = await registry.client.post(
                f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "通过"}
            )
            assert ok.status_code == 200
            ids.append(pid)
        yield registry, ids


def as_provider(pid: str) -> dict[str, str]:
    return bearer(Role.PROVIDER, provider_id=pid)


async def push_one(registry: RunningService, record: dict[str, Any], pid: str) -> dict[str, Any]:
    r = await registry.client.post("/v1/push/records", json=[record], headers=as_provider(pid))
    return dict(r.json()["results"][0])
