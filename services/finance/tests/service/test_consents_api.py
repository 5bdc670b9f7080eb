"""Consents over HTTP: granted by the enterprise or recorded on paper by its district, revoked, listed
in scope, and published as events (SQLite and PostgreSQL)."""

from __future__ import annotations

from finance.main import spec
from finance.models import Consent
from testkit.databases import MigratedDbFactory
from testkit.finance import BANK, DISTRICT, ENTERPRISE, NEXT_YEAR, OTHER, USCC, consent, registered, tell
from testkit.services import service_under_test

PAPER = "ab" * 32


async def test_an_enterprise_grants_and_revokes_and_both_are_published(
    migrated_db: MigratedDbFactory, db_kind: str
) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await tell(svc, registered())
        consent_id = await consent(svc)
        listed = (await svc.client.get("/v1/consents", headers=BANK)).json()
        assert [(c["consent_id"], c["uscc"], c["active"]) for c in listed] == [(consent_id, USCC, True)]
        body = {"reason": "不再需要"}
        revoked = await svc.client.post(f"/v1/consents/{consent_id}/revocation", json=body, headers=ENTERPRISE)
        assert revoked.status_code == 200 and revoked.json()["active"] is False
        again = await svc.client.post(f"/v1/consents/{consent_id}/revocation", json=body, headers=ENTERPRISE)
        assert again.status_code == 409
        granted = await svc.outbox("finance.consent.granted")
        assert [(e["uscc"], e["bank_id"], e["on_paper"]) for e in granted] == [(USCC, "cqrcb", False)]
        assert [e["reason"] for e in await svc.outbox("finance.consent.revoked")] == ["不再需要"]


async def test_an_enterprise_grants_for_itself_only(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), registered(OTHER, "500104"))
        body = {"uscc": OTHER, "bank_id": "cqrcb", "product_id": "special-loan", "valid_until": NEXT_YEAR}
        answer = await svc.client.post("/v1/consents", json=body, headers=ENTERPRISE)
        assert answer.status_code == 403 and answer.json()["errors"][0]["field"] == "uscc"
        assert await svc.count(Consent) == 0


async def test_a_district_records_paper_consents_of_its_unit_only(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered(), registered(OTHER, "500104"))
        body = {"uscc": USCC, "bank_id": "cqrcb", "product_id": "special-loan", "valid_until": NEXT_YEAR}
        no_form = await svc.client.post("/v1/consents", json=body, headers=DISTRICT)
        assert no_form.status_code == 422 and no_form.json()["errors"][0]["field"] == "paper_form_sha256"
        on_paper = await svc.client.post("/v1/consents", json={**body, "paper_form_sha256": PAPER}, headers=DISTRICT)
        assert on_paper.status_code == 201 and on_paper.json()["granted_by_role"] == "district"
        elsewhere = {**body, "uscc": OTHER, "paper_form_sha256": PAPER}
        assert (await svc.client.post("/v1/consents", json=elsewhere, headers=DISTRICT)).status_code == 403
        assert [e["on_paper"] for e in await svc.outbox("finance.consent.granted")] == [True]


async def test_bad_consents_get_field_errors(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        base = {"bank_id": "cqrcb", "product_id": "special-loan", "valid_until": NEXT_YEAR}
        cases = {
            "valid_until": {**base, "valid_until": "2020-01-01"},
            "product_id": {**base, "product_id": "no-such-loan"},
            "bank_id": {**base, "bank_id": "bank\u0007"},
            "paper_form_sha256": {**base, "paper_form_sha256": PAPER},
        }
        for field, body in cases.items():
            answer = await svc.client.post("/v1/consents", json=body, headers=ENTERPRISE)
            assert answer.status_code == 422, (field, answer.text)
            assert answer.json()["errors"][0]["field"] == field, answer.text
        far = {**base, "valid_until": "2099-01-01"}
        assert (await svc.client.post("/v1/consents", json=far, headers=ENTERPRISE)).status_code == 422
        assert await svc.count(Consent) == 0


async def test_the_lists_are_scoped(migrated_db: MigratedDbFactory) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await tell(svc, registered())
        await consent(svc, bank="cqrcb")
        await consent(svc, bank="boc-cq")
        assert len((await svc.client.get("/v1/consents")).json()) == 2  # the city
        assert [c["bank_id"] for c in (await svc.client.get("/v1/consents", headers=BANK)).json()] == ["cqrcb"]
        refused = await svc.client.get(f"/v1/consents?uscc={OTHER}", headers=ENTERPRISE)
        assert refused.status_code == 403
