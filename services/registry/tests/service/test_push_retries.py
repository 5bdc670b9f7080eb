"""A retried NDJSON push, on SQLite and PostgreSQL: the lines accepted before are known by their digest and not
read again, with the same answer as reading them in full; anything else about a line is read as usual."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from contracts.push import retries
from contracts.uscc import check_character
from registry.main import spec
from registry.models import Enterprise, tables
from testkit.data import random_uscc
from testkit.databases import MigratedDbFactory
from testkit.line_reads import count_lines_read
from testkit.push import NDJSON, as_provider, enterprise_record, ndjson, registry_with_providers
from testkit.services import RunningService

ODD_USCC = "91350100M000100Y5" + check_character("91350100M000100Y5")  # accepted with a warning


@pytest.fixture
def lines_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The line numbers the push reads and checks in full."""
    return count_lines_read(monkeypatch)


async def push(registry: RunningService, pid: str, records: list[dict[str, Any]], fmt: str = "ndjson") -> Any:
    if fmt == "ndjson":
        r = await registry.client.post(
            "/v1/push/records", content=ndjson(records), headers={**as_provider(pid), **NDJSON}
        )
    else:
        r = await registry.client.post("/v1/push/records", json={"records": records}, headers=as_provider(pid))
    assert r.status_code == 200, r.text[:500]
    return r.json()


async def test_a_retried_batch_is_not_read_again(
    migrated_db: MigratedDbFactory, db_kind: str, lines_read: list[int]
) -> None:
    rng = random.Random(11)
    records = [enterprise_record(f"crm-{i}", random_uscc(rng), employees=10 + i) for i in range(40)]
    records.append(enterprise_record("odd", ODD_USCC))
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        first = await push(registry, pid, records)
        assert (first["created"], lines_read) == (41, list(range(1, 42)))
        outbox = await registry.count(tables.outbox)

        lines_read.clear()
        again = await push(registry, pid, records)
        assert (again["unchanged"], again["rejected"]) == (41, 0)
        assert lines_read == [41]  # only the line with a warning: its result must carry it again
        read_in_full = await push(registry, pid, records, fmt="json")  # JSON: every record read and checked
        assert again["results"] == read_in_full["results"]
        assert again["results"][40]["warnings"][0]["code"] == "uscc_org_check_mismatch"
        assert (await registry.count(Enterprise), await registry.count(tables.outbox)) == (41, outbox)
        quality = (await registry.client.get(f"/v1/providers/{pid}/quality", headers=as_provider(pid))).json()
        assert quality["records"] == 41  # a retry is not counted for the data-quality score


async def test_a_line_known_but_no_longer_current_is_read_and_found_stale(
    migrated_db: MigratedDbFactory, db_kind: str, lines_read: list[int]
) -> None:
    uscc = random_uscc(random.Random(12))
    v1, v2 = enterprise_record("crm-1", uscc, employees=10), enterprise_record("crm-1", uscc, 2, employees=20)
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        await push(registry, pid, [v1])
        await push(registry, pid, [v2])
        lines_read.clear()
        report = await push(registry, pid, [v1])
        assert (lines_read, report["stale"]) == ([1], 1)
        employees = (await registry.client.get(f"/v1/enterprises/{uscc}", headers=as_provider(pid))).json()
        assert employees["employees"] == 20


async def test_the_same_record_written_otherwise_is_read_and_unchanged(
    migrated_db: MigratedDbFactory, db_kind: str, lines_read: list[int]
) -> None:
    record = enterprise_record("crm-1", random_uscc(random.Random(13)))
    reordered = json.dumps(dict(reversed(record.items())), ensure_ascii=False).encode()
    async with registry_with_providers(await migrated_db(spec, db_kind)) as (registry, (pid, _)):
        await push(registry, pid, [record])
        lines_read.clear()
        r = await registry.client.post("/v1/push/records", content=reordered, headers={**as_provider(pid), **NDJSON})
        assert (lines_read, r.json()["unchanged"]) == ([1], 1)


async def test_a_known_line_twice_in_a_batch_is_refused_the_second_time(
    migrated_db: MigratedDbFactory, lines_read: list[int]
) -> None:
    record = enterprise_record("crm-1", random_uscc(random.Random(14)))
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        await push(registry, pid, [record])
        lines_read.clear()
        report = await push(registry, pid, [record, record])
        assert lines_read == []
        assert [r["status"] for r in report["results"]] == ["unchanged", "rejected"]
        assert [e["code"] for e in report["results"][1]["errors"]] == ["record_id_repeated", "enterprise_repeated"]


async def test_other_rules_read_every_line_again(
    migrated_db: MigratedDbFactory, monkeypatch: pytest.MonkeyPatch, lines_read: list[int]
) -> None:
    rng = random.Random(15)
    records = [enterprise_record(f"crm-{i}", random_uscc(rng)) for i in range(3)]
    async with registry_with_providers(await migrated_db(spec, "sqlite")) as (registry, (pid, _)):
        await push(registry, pid, records)
        monkeypatch.setattr(retries, "RULES_REVISION", retries.RULES_REVISION + 1)  # a release with other rules
        retries.rules_salt.cache_clear()
        try:
            lines_read.clear()
            report = await push(registry, pid, records)
        finally:
            monkeypatch.undo()
            retries.rules_salt.cache_clear()
        assert (lines_read, report["unchanged"]) == ([1, 2, 3], 3)
