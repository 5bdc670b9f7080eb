"""Folding `known_enterprises` into a service's own table keeps every enterprise, on SQLite and PostgreSQL, and the
downgrade gives the table back (readmodels.migration)."""

from __future__ import annotations

import asyncio
import importlib
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from servicekit.db import make_engine
from servicekit.migrations import alembic_config, upgrade_async
from testkit.databases import DbFactory

# (service, revision before the fold, its table, a row of its own columns for an enterprise known there)
CASES = [
    ("catalog", "0006", "enterprise_profiles", {"industry_code": "C3411", "sub_industry": None}),
    ("finance", "0012", "enterprise_facts", {"district_code": "500103", "industry_division": "C34", "tier": "A"}),
]
BOTH, KNOWN_ONLY, OWN_ONLY = "91500000MA00000001", "91500000MA00000002", "91500000MA00000003"
AT = datetime(2026, 3, 1, 8, tzinfo=UTC)


def _known(uscc: str, name: str, kind: str) -> dict[str, Any]:
    at = AT if kind == "postgresql" else AT.replace(tzinfo=None)  # as each stores it (servicekit.db.UTCDateTime)
    return {"uscc": uscc, "name": name, "district_code": "500103", "industry_division": "C34", "registered_at": at}


def _own(service: str, uscc: str, own: dict[str, Any]) -> dict[str, Any]:
    base = {"uscc": uscc, "version": 2}
    if service == "catalog":
        return base | {"district_code": "500103"} | own
    return base | own | {"chain_platforms": '["p1"]'}


async def _execute(url: str, *statements: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            result: list[dict[str, Any]] = []
            for sql, values in statements:
                found = await conn.execute(text(sql), values)
                result = [dict(r._mapping) for r in found] if found.returns_rows else []
            return result
    finally:
        await engine.dispose()


def _insert(table: str, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + k for k in row)})", row


@pytest.mark.parametrize(("service", "before", "table", "own"), CASES)
async def test_fold_keeps_every_enterprise_and_the_downgrade_restores_them(
    service: str, before: str, table: str, own: dict[str, Any], make_db: DbFactory, db_kind: str
) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    url = await make_db(db_kind)
    await upgrade_async(spec.migrations_dir, url, before)
    await _execute(
        url,
        _insert("known_enterprises", _known(BOTH, "两表企业", db_kind) | {"version": 2}),
        _insert("known_enterprises", _known(KNOWN_ONLY, "仅登记企业", db_kind) | {"version": 1}),
        _insert(table, _own(service, BOTH, own)),
        _insert(table, _own(service, OWN_ONLY, own)),
    )
    await upgrade_async(spec.migrations_dir, url)

    rows = await _execute(url, (f"SELECT * FROM {table} ORDER BY uscc", {}))
    by_uscc = {r["uscc"]: r for r in rows}
    assert set(by_uscc) == {BOTH, KNOWN_ONLY, OWN_ONLY}
    both, known_only, own_only = by_uscc[BOTH], by_uscc[KNOWN_ONLY], by_uscc[OWN_ONLY]
    assert (both["name"], both["industry_division"], both["version"]) == ("两表企业", "C34", 2)
    assert str(both["registered_at"]).startswith("2026-03-01 08:00:00")
    for column, value in own.items():
        assert both[column] == value, column
    assert (known_only["name"], known_only["version"]) == ("仅登记企业", 1)
    assert (own_only["name"], own_only["industry_division"]) == ("", "C34")
    assert str(own_only["registered_at"]).startswith("1970-01-01")
    if service == "catalog":
        assert known_only["industry_code"] == "C34"  # its division stands for its industry code
    else:
        assert (known_only["chain_platforms"], known_only["tier"]) == ("[]", None)
        assert both["chain_platforms"] == '["p1"]'

    await asyncio.to_thread(command.downgrade, alembic_config(spec.migrations_dir, url), before)
    known = await _execute(url, ("SELECT uscc, name, version FROM known_enterprises ORDER BY uscc", {}))
    assert [(r["uscc"], r["name"], r["version"]) for r in known] == [
        (BOTH, "两表企业", 2),
        (KNOWN_ONLY, "仅登记企业", 1),
        (OWN_ONLY, "", 2),
    ]
    columns = (await _execute(url, (f"SELECT * FROM {table} WHERE uscc = :u", {"u": BOTH})))[0]
    assert "name" not in columns and "registered_at" not in columns
