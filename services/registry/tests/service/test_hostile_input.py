"""Hostile input the registry refuses cleanly: control characters in any text (they broke the XLSX export
of a whole district), NUL in a search, JSON nested ten thousand deep in a push (one record rejected alone,
in JSON and NDJSON batches), an empty external reference sent twice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contracts.api.identity import Role
from registry.main import spec
from registry.models import Enterprise
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

ENTERPRISE = {"uscc": "91350100M000100Y43", "name": "某企业", "district_code": "500103", "industry_code": "C36"}
DEEP = "[" * 10_000 + "]" * 10_000


@pytest.fixture
async def registry(migrated_db: MigratedDbFactory) -> AsyncIterator[RunningService]:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        yield svc


@pytest.mark.parametrize("bad", ["企业\u0007名称", "企业\x00", "\x1b[31m红色", "名\u0085称", "a\ud800"])
async def test_control_characters_in_a_name_are_a_field_error(registry: RunningService, bad: str) -> None:
    body = json.dumps({**ENTERPRISE, "name": bad}).encode()  # \ud800 goes over the wire as an escape
    r = await registry.client.post("/v1/enterprises", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "name"
    if "\ud800" not in bad:  # a lone surrogate is refused by the JSON decoder itself, with its own words
        assert "is not allowed in text" in r.json()["errors"][0]["message"]
    assert await registry.count(Enterprise) == 0


async def test_tab_and_newline_stay_allowed_in_notes(registry: RunningService) -> None:
    assert (await registry.client.post("/v1/enterprises", json={**ENTERPRISE, "name": "某\t企业"})).status_code == 201


async def test_a_nul_in_the_search_is_refused_not_a_match_for_everything(registry: RunningService) -> None:
    assert (await registry.client.post("/v1/enterprises", json=ENTERPRISE)).status_code == 201
    r = await registry.client.get("/v1/enterprises", params={"q": "\x00"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q"
    assert (await registry.client.get("/v1/enterprises", params={"q": "%"})).json()["items"] == []  # a literal %


def pushed(uscc: str, rid: str) -> dict[str, Any]:
    return {
        "record_id": rid,
        "version": 1,
        "kind": "enterprise",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "data": {**ENTERPRISE, "uscc": uscc, "name": f"企业{rid}"},
    }


async def approved_provider(registry: RunningService) -> dict[str, str]:
    body = {"name": "服务商", "uscc": "91440300708461136T", "categories": ["solution"]}
    pid = (await registry.client.post("/v1/providers", json=body)).json()["provider_id"]
    await registry.client.post(f"/v1/providers/{pid}/status", json={"status": "approved", "reason": "通过"})
    return bearer(Role.PROVIDER, provider_id=pid)


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
async def test_a_record_nested_too_deep_is_rejected_alone(registry: RunningService, fmt: str) -> None:
    provider = await approved_provider(registry)
    good = [json.dumps(pushed(u, r)) for u, r in (("91350100M000100Y43", "a"), ("914403001922038216", "c"))]
    if fmt == "json":
        body, media = f"[{good[0]}, {DEEP}, {good[1]}]", "application/json"
    else:
        body, media = f"{good[0]}\n{DEEP}\n{good[1]}\n", "application/x-ndjson"
    r = await registry.client.post(
        "/v1/push/records", content=body.encode(), headers={**provider, "Content-Type": media}
    )
    assert r.status_code == 200, r.text[:300]
    report = r.json()
    assert (report["created"], report["rejected"]) == (2, 1)
    [rejected] = [x for x in report["results"] if x["status"] == "rejected"]
    assert rejected["index"] == 2 and rejected["errors"][0]["code"] == "invalid_json"


async def test_an_empty_external_ref_is_treated_as_absent(registry: RunningService) -> None:
    body = {
        "kind": "training",
        "title": "数字化转型培训",
        "organiser": "渝中区数字化转型赋能中心",
        "district_code": "500103",
        "held_on": "2026-11-20",
        "participants": 30,
        "external_ref": "",
    }
    first = await registry.client.post("/v1/activities", json=body)
    assert first.status_code == 201, first.text
    assert first.json()["external_ref"] is None
    second = await registry.client.post("/v1/activities", json=body)
    assert second.status_code == 201, second.text
    assert second.json()["activity_id"] != first.json()["activity_id"]
