"""Who may do what: 401 without a token and 403 for a wrong role on every non-public endpoint of
every service; district and enterprise scoping; the client-credentials flow; the audit log."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from contracts.api.identity import Role
from devstack.suite import SERVICES
from registry.config import RegistrySettings
from registry.identity.service import bootstrap_admin
from registry.main import spec as registry_spec
from registry.models import Client
from servicekit.auth import TokenSigner, ensure_keypair
from servicekit.db import table_of
from testkit.access import PATH_VALUES
from testkit.databases import DbFactory, MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer, mint_token

PUBLIC = {"/healthz", "/readyz", "/metrics", "/v1/oauth/token"}
ANY_ROLE = {"/v1/districts", "/v1/products", "/v1/products/{product_id}/versions/{version}"}  # public rules
# What a bank may do besides reading public rules (docs/security.md's table, checked cell by cell, has the rest).
BANK_ROUTES = {
    ("GET", "/v1/eligibility/{uscc}"),
    ("GET", "/v1/consents"),
    ("POST", "/v1/loans"),
    ("GET", "/v1/loans"),
    ("GET", "/v1/loans/{loan_id}"),
    ("POST", "/v1/loans/{loan_id}/decision"),
    ("POST", "/v1/loans/{loan_id}/disbursement"),
    ("POST", "/v1/loans/{loan_id}/default"),
    ("POST", "/v1/loans/{loan_id}/repayments"),
    ("POST", "/v1/repayment-files"),
    ("GET", "/v1/interest-subsidy/payables"),
}
ENTERPRISE = {"uscc": "91350100M000100Y43", "name": "某企业", "district_code": "500103", "industry_code": "C36"}
OTHER = {"uscc": "914403001922038216", "name": "别的企业", "district_code": "500104", "industry_code": "C36"}


def protected_routes(svc: RunningService) -> list[tuple[str, str]]:
    """Every operation the service publishes in its OpenAPI document, less the public ones."""
    out = []
    for path, operations in svc.app.openapi()["paths"].items():
        if path not in PUBLIC:
            out += [(method.upper(), path) for method in operations]
    return out


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_protected_endpoint_says_401_then_403(service: str, migrated_db: MigratedDbFactory) -> None:
    spec = importlib.import_module(f"{service}.main").spec
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        routes = protected_routes(svc)
        assert routes, "every service has protected endpoints"
        for method, template in routes:
            path = template.format(**PATH_VALUES)
            anonymous = await svc.client.request(method, path, headers={"Authorization": ""}, json={})
            assert anonymous.status_code == 401, (method, path, anonymous.text)
            assert anonymous.headers["www-authenticate"] == "Bearer"
            garbage = await svc.client.request(method, path, headers={"Authorization": "Bearer not.a.token"}, json={})
            assert garbage.status_code == 401, (method, path)
            # a bank may only query eligibility and read its consents (and public rules and code tables)
            wrong = await svc.client.request(method, path, headers=bearer(Role.BANK, bank_id="b1"), json={})
            if template in ANY_ROLE and method == "GET":
                assert wrong.status_code in (200, 404), (method, path)
                continue
            if (method, template) in BANK_ROUTES:
                continue
            assert wrong.status_code == 403, (method, path, wrong.text)
            assert "may not do this" in wrong.json()["message"]


@contextlib.asynccontextmanager
async def registry_with_two_enterprises(migrated_db: MigratedDbFactory, kind: str) -> AsyncIterator[RunningService]:
    async with service_under_test(registry_spec, await migrated_db(registry_spec, kind)) as registry:
        for body in (ENTERPRISE, OTHER):
            assert (await registry.client.post("/v1/enterprises", json=body)).status_code == 201
        yield registry


async def test_district_authority_only_reaches_its_own_unit(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    district = bearer(Role.DISTRICT, districts=["500103"])
    async with registry_with_two_enterprises(migrated_db, db_kind) as registry:
        own = await registry.client.get(f"/v1/enterprises/{ENTERPRISE['uscc']}", headers=district)
        assert own.status_code == 200
        other = await registry.client.get(f"/v1/enterprises/{OTHER['uscc']}", headers=district)
        assert other.status_code == 403
        assert "500104" in other.json()["message"]
        new_elsewhere = {**OTHER, "uscc": "91330100716105852F"}
        assert (await registry.client.post("/v1/enterprises", json=new_elsewhere, headers=district)).status_code == 403
        new_here = {**new_elsewhere, "district_code": "500103"}
        assert (await registry.client.post("/v1/enterprises", json=new_here, headers=district)).status_code == 201
        missing = await registry.client.get("/v1/enterprises/91330100716105852F")
        assert missing.json()["district_code"] == "500103"


async def test_enterprise_reads_only_itself(migrated_db: MigratedDbFactory) -> None:
    me = bearer(Role.ENTERPRISE, uscc=ENTERPRISE["uscc"])
    async with registry_with_two_enterprises(migrated_db, "sqlite") as registry:
        assert (await registry.client.get(f"/v1/enterprises/{ENTERPRISE['uscc']}", headers=me)).status_code == 200
        assert (await registry.client.get(f"/v1/enterprises/{OTHER['uscc']}", headers=me)).status_code == 403
        assert (await registry.client.post("/v1/enterprises", json=OTHER, headers=me)).status_code == 403


async def test_expired_and_foreign_tokens_are_refused(migrated_db: MigratedDbFactory, tmp_path: Any) -> None:
    expired = mint_token(Role.CITY, ttl_s=-10)
    ensure_keypair(tmp_path / "k.pem", tmp_path / "k.pub.pem")
    foreign = TokenSigner((tmp_path / "k.pem").read_bytes()).sign({"sub": "x", "role": "city"})
    async with service_under_test(registry_spec, await migrated_db(registry_spec, "sqlite")) as registry:
        r = await registry.client.get("/v1/districts", headers={"Authorization": f"Bearer {expired}"})
        assert r.status_code == 401
        assert "expired" in r.json()["message"]
        r = await registry.client.get("/v1/districts", headers={"Authorization": f"Bearer {foreign}"})
        assert r.status_code == 401
        assert "invalid access token" in r.json()["message"]


async def test_client_credentials_flow_and_hashed_secrets(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with registry_with_two_enterprises(migrated_db, db_kind) as registry:
        r = await registry.client.post(
            "/v1/clients", json={"name": "渝中区经信委", "role": "district", "districts": ["500103"]}
        )
        assert r.status_code == 201, r.text
        created = r.json()
        form = {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        }
        token = await registry.client.post("/v1/oauth/token", data=form, headers={"Authorization": ""})
        assert token.status_code == 200, token.text
        assert token.json()["token_type"] == "Bearer"
        assert token.json()["expires_in"] == 900
        as_district = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert (
            await registry.client.get(f"/v1/enterprises/{ENTERPRISE['uscc']}", headers=as_district)
        ).status_code == 200
        assert (await registry.client.get(f"/v1/enterprises/{OTHER['uscc']}", headers=as_district)).status_code == 403
        basic = await registry.client.post(
            "/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(created["client_id"], created["client_secret"]),
        )
        assert basic.status_code == 200
        wrong = await registry.client.post(
            "/v1/oauth/token", data={**form, "client_secret": "nope"}, headers={"Authorization": ""}
        )
        assert wrong.status_code == 401
        assert wrong.json()["message"] == "invalid client credentials"
        unknown = await registry.client.post(
            "/v1/oauth/token", data={**form, "client_id": "cl_missing"}, headers={"Authorization": ""}
        )
        assert unknown.json()["message"] == "invalid client credentials"  # no hint which part was wrong
        bad_grant = await registry.client.post("/v1/oauth/token", data={**form, "grant_type": "password"})
        assert bad_grant.status_code == 400
        assert bad_grant.json()["errors"][0]["field"] == "grant_type"
        as_json = await registry.client.post("/v1/oauth/token", json=form)
        assert as_json.status_code == 400
        async with registry.runtime.engine.connect() as conn:
            stored = (await conn.execute(select(table_of(Client).c.secret_hash))).scalars().all()
        assert all(h.startswith("scrypt$") and created["client_secret"] not in h for h in stored)
        listed = (await registry.client.get("/v1/clients")).json()
        assert [c["client_id"] for c in listed] == [created["client_id"]]
        assert "client_secret" not in listed[0]
        bad_client = await registry.client.post("/v1/clients", json={"name": "x", "role": "district"})
        assert bad_client.status_code == 422
        assert "exactly one district unit" in bad_client.json()["message"]


async def test_every_write_is_in_the_audit_log(migrated_db: MigratedDbFactory) -> None:
    async with registry_with_two_enterprises(migrated_db, "sqlite") as registry:
        log = (await registry.client.get("/v1/audit-log", params={"subject": ENTERPRISE["uscc"]})).json()
        assert len(log) == 1
        assert (log[0]["actor"], log[0]["role"], log[0]["action"]) == ("test-city", "city", "enterprise.register")
        assert log[0]["detail"]["district_code"] == "500103"
        everything = (await registry.client.get("/v1/audit-log")).json()
        assert [e["subject"] for e in everything] == [OTHER["uscc"], ENTERPRISE["uscc"]]  # newest first
        district = bearer(Role.DISTRICT, districts=["500103"])
        assert (await registry.client.get("/v1/audit-log", headers=district)).status_code == 403
        rejected = await registry.client.post("/v1/enterprises", json=ENTERPRISE)  # 409: nothing written
        assert rejected.status_code == 409
        assert len((await registry.client.get("/v1/audit-log")).json()) == 2


async def test_bootstrap_admin_once_with_a_private_file(make_db: DbFactory, tmp_path: Any) -> None:
    from servicekit.migrations import upgrade_async

    url = await make_db("sqlite")
    await upgrade_async(registry_spec.migrations_dir, url)
    settings = RegistrySettings(database_url=url, var_dir=tmp_path)
    assert await asyncio.to_thread(bootstrap_admin, settings) == 0
    path = tmp_path / "city-admin.json"
    first = json.loads(path.read_text())
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert first["role"] == "city"
    assert first["client_secret"]
    assert await asyncio.to_thread(bootstrap_admin, settings) == 0
    assert json.loads(path.read_text()) == first  # not replaced on the next start
    assert (tmp_path / "keys" / "token-signing.pem").exists()


async def test_the_var_folder_is_the_owners_only_once_a_service_starts(
    migrated_db: MigratedDbFactory, tmp_path: Any
) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    os.chmod(var, 0o755)
    async with service_under_test(registry_spec, await migrated_db(registry_spec, "sqlite"), var_dir=var):
        assert oct(os.stat(var).st_mode & 0o777) == "0o700"
