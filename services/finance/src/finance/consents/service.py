"""Consents: an enterprise lets a named bank query its eligibility for one product, until a date."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime

from contracts.api.finance import ConsentCreate, ConsentRead, ConsentRevocation
from contracts.api.identity import Role, TokenClaims
from contracts.events.finance import ConsentGranted, ConsentRevoked
from finance.consents import repository
from finance.consents.rules import is_active, period_problem, subject_of
from finance.facts import repository as facts
from finance.models import Consent
from finance.products import service as products
from servicekit.auth import own_uscc, require_district, unit_scope
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork


def to_read(row: Consent, today: date | None = None) -> ConsentRead:
    today = today or datetime.now(UTC).date()
    values = {f: getattr(row, f) for f in Consent.model_fields}
    return ConsentRead(**values, active=is_active(row.revoked_at is not None, row.valid_until, today))


async def grant(uow: UnitOfWork, actor: TokenClaims, cmd: ConsentCreate) -> ConsentRead:
    """Record a consent (the enterprise's own, or one on paper by its district authority)."""
    now = datetime.now(UTC)
    uscc, field, problem = subject_of(actor, cmd)
    if uscc is None:
        refusal = Forbidden if field == "uscc" and actor.role is Role.ENTERPRISE else InvalidInput
        raise refusal(problem or "consent refused", field=field)
    if (period := period_problem(cmd.valid_until, now.date())) is not None:
        raise InvalidInput(period, field="valid_until")
    await products.current(uow, cmd.product_id, field="product_id")
    enterprise = await facts.facts_of(uow.session, uscc)
    if enterprise is None:
        raise InvalidInput(f"enterprise {uscc} is not known to finance (yet)", field="uscc")
    if actor.role is Role.DISTRICT:
        require_district(actor, enterprise.district_code)
    row = Consent(
        consent_id=f"cs_{secrets.token_hex(8)}",
        uscc=uscc,
        district_code=enterprise.district_code,
        bank_id=cmd.bank_id,
        product_id=cmd.product_id,
        valid_until=cmd.valid_until,
        paper_form_sha256=cmd.paper_form_sha256,
        granted_at=now,
        granted_by=actor.sub,
        granted_by_role=actor.role.value,
    )
    await repository.add(uow.session, row)
    uow.audit(actor, "consent.grant", row.consent_id, {"uscc": uscc, "bank": cmd.bank_id, "product": cmd.product_id})
    uow.emit(
        ConsentGranted(
            consent_id=row.consent_id,
            uscc=uscc,
            district_code=row.district_code,
            bank_id=row.bank_id,
            product_id=row.product_id,
            valid_until=row.valid_until,
            on_paper=row.paper_form_sha256 is not None,
            granted_at=now,
        )
    )
    return to_read(row, now.date())


def _check_scope(actor: TokenClaims, row: Consent) -> None:
    if actor.role is Role.ENTERPRISE and row.uscc != actor.uscc:
        raise NotFound(f"consent {row.consent_id} not found")
    if actor.role is Role.BANK and row.bank_id != actor.bank_id:
        raise NotFound(f"consent {row.consent_id} not found")
    if actor.role in (Role.DISTRICT, Role.EXPERT):
        require_district(actor, row.district_code)


async def revoke(uow: UnitOfWork, actor: TokenClaims, consent_id: str, cmd: ConsentRevocation) -> ConsentRead:
    """Withdraw a consent: the bank's queries are refused from this moment."""
    row = await repository.get(uow.session, consent_id)
    if row is None:
        raise NotFound(f"consent {consent_id} not found")
    _check_scope(actor, row)
    if row.revoked_at is not None:
        raise Conflict(f"consent {consent_id} was revoked already")
    now = datetime.now(UTC)
    await repository.revoke(uow.session, consent_id, now, actor.sub, cmd.reason)
    row.revoked_at, row.revoked_by, row.revocation_reason = now, actor.sub, cmd.reason
    uow.audit(actor, "consent.revoke", consent_id, {"uscc": row.uscc, "reason": cmd.reason})
    uow.emit(
        ConsentRevoked(
            consent_id=consent_id,
            uscc=row.uscc,
            district_code=row.district_code,
            bank_id=row.bank_id,
            product_id=row.product_id,
            reason=cmd.reason,
            revoked_at=now,
        )
    )
    return to_read(row, now.date())


async def list_consents(
    uow: UnitOfWork, actor: TokenClaims, uscc: str | None, active_only: bool, limit: int
) -> list[ConsentRead]:
    """Consents in the caller's scope, newest first: an enterprise its own, a bank those given to it, a
    district authority its unit's; `uscc` outside that scope is refused."""
    uscc = own_uscc(actor, uscc, "consents")
    today = datetime.now(UTC).date()
    rows = await repository.find(
        uow.session,
        districts=unit_scope(actor),
        uscc=uscc,
        bank_id=actor.bank_id if actor.role is Role.BANK else None,
        active_on=today if active_only else None,
        limit=limit,
    )
    return [to_read(r, today) for r in rows]


async def active_consent(uow: UnitOfWork, uscc: str, bank_id: str, product_id: str) -> Consent | None:
    return await repository.active(uow.session, uscc, bank_id, product_id, datetime.now(UTC).date())
