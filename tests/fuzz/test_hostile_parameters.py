"""Every integer query parameter of every GET in every service, given a huge or negative number, and every
cursor given garbage: a field-level 422, never a 5xx (before: huge offsets and before_ids were 500s)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from devstack.suite import SERVICES
from testkit.databases import MigratedDbFactory
from testkit.services import service_under_test

PATH_VALUES = {"uscc": "91350100M000100Y43", "version": "1"}
HOSTILE = ("100000000000000000000000000000", "-1")


def integer_parameters(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, parameter) for every integer query parameter of a GET."""
    out = []
    for path, operations in openapi["paths"].items():
        for p in operations.get("get", {}).get("parameters", []):
            schema = p.get("schema", {})
            types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
            if p["in"] == "query" and "integer" in types:
                out.append((path, p["name"]))
    return out


@pytest.mark.parametrize("service", list(SERVICES))
async def test_huge_and_negative_integers_are_422_naming_the_parameter(
    service: str, migrated_db: MigratedDbFactory
) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        params = integer_parameters(svc.app.openapi())
        assert any(name in ("offset", "before_id") for _, name in params), params
        for path, name in params:
            try:
                url = path.format(**PATH_VALUES)
            except KeyError:
                continue  # a path parameter without a sample value: its lists are covered elsewhere
            for value in HOSTILE:
                r = await svc.client.get(url, params={name: value})
                if value == "-1" and r.status_code == 200:
                    continue  # a parameter where a negative number means something (none today)
                assert r.status_code == 422, (url, name, value, r.status_code, r.text[:300])
                assert r.json()["errors"][0]["field"] == name, r.text


async def test_an_undecodable_cursor_is_422(migrated_db: MigratedDbFactory) -> None:
    from registry.main import spec

    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        for cursor in ("!!!", "eyJ4IjoxfQ", "A" * 500, "%00"):
            r = await svc.client.get("/v1/enterprises", params={"cursor": cursor})
            assert r.status_code == 422, (cursor, r.text)
            assert r.json()["errors"][0]["field"] == "cursor"
