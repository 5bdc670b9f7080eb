"""docs/security.md's access table and the services agree: every operation of every service has one row,
and for every role an empty cell means the service answers 403 "may not do this", a filled one that the
role gets past the role check (its scope, body and path are then checked by the tests of each service)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from contracts.api.identity import Role
from devstack.suite import SERVICES
from testkit.access import PATH_VALUES
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PUBLIC = {"/healthz", "/readyz", "/metrics", "/v1/oauth/token"}
ROLES = [Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER, Role.BANK, Role.OPS]
CLAIMS: dict[Role, dict[str, Any]] = {
    Role.DISTRICT: {"districts": ["500103"]},
    Role.EXPERT: {"districts": ["500103"]},
    Role.ENTERPRISE: {"uscc": "91350100M000100Y43"},
    Role.PROVIDER: {"provider_id": "pv_x"},
    Role.BANK: {"bank_id": "bk_x"},
}
ROW = re.compile(r"^\|\s*(\w+)\s*\|\s*`(GET|POST|PUT|PATCH|DELETE) (\S+)`\s*\|(.*)\|\s*$")


def documented() -> dict[tuple[str, str, str], dict[Role, bool]]:
    """(service, method, path) → for each role, whether the table lets it past the role check."""
    table: dict[tuple[str, str, str], dict[Role, bool]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        service, method, path, cells = match.groups()
        values = [cell.strip() for cell in cells.split("|")]
        assert len(values) == len(ROLES), f"{line!r}: one cell per role ({len(ROLES)}) expected"
        key = (service, method, path)
        assert key not in table, f"{key} has two rows"
        table[key] = {role: bool(value) for role, value in zip(ROLES, values, strict=True)}
    return table


def operations(svc: RunningService) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in svc.app.openapi()["paths"].items()
        if path not in PUBLIC
        for method in item
    ]


async def passes_role_check(svc: RunningService, method: str, path: str, role: Role) -> bool:
    answer = await svc.client.request(
        method, path.format(**PATH_VALUES), headers=bearer(role, **CLAIMS.get(role, {})), json={}
    )
    assert answer.status_code < 500 and answer.status_code not in (401, 429), (method, path, role, answer.text)
    refused = answer.status_code == 403 and "may not do this" in answer.json().get("message", "")
    return not refused


def test_the_table_is_well_formed() -> None:
    table = documented()
    assert len(table) > 50, "the access table is found and parsed"
    assert {service for service, _, _ in table} == set(SERVICES)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_each_row_is_what_the_service_does(service: str, migrated_db: MigratedDbFactory) -> None:
    table = {(m, p): roles for (s, m, p), roles in documented().items() if s == service}
    spec = importlib.import_module(f"{service}.main").spec
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        published = operations(svc)
        assert sorted(table) == sorted(published), "one row per operation the service publishes"
        wrong = []
        for method, path in published:
            for role in ROLES:
                actual = await passes_role_check(svc, method, path, role)
                if actual != table[(method, path)][role]:
                    wrong.append(f"{method} {path} {role.value}: table {'✓' if not actual else '(empty)'} is wrong")
        assert not wrong, "\n".join(wrong)
