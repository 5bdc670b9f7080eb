"""Eligibility for banks: answered only under the enterprise's active consent, from finance's own facts;
every query, answered or refused, is logged for the enterprise to see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contracts.api.finance import EligibilityAnswer, EligibilityQueryRead, ProductDefinition, ProductKind, QueryOutcome
from contracts.api.identity import Role, TokenClaims
from finance.eligibility import repository
from finance.eligibility.rules import evaluate, headroom, suggested_limit
from finance.facts import repository as facts
from finance.facts import service as fact_store
from finance.interest import repository as interest
from finance.models import EligibilityQuery
from finance.products import service as products
from finance.subsidies import repository as subsidies
from servicekit.auth import require_district
from servicekit.errors import Forbidden
from servicekit.groupwrite import GroupWriter
from servicekit.ids import time_ordered_id
from servicekit.pointread import PointReader
from servicekit.uow import UnitOfWork


@dataclass(frozen=True)
class Refusal:
    """A query refused for want of consent: logged, then answered 403 with nothing about the enterprise."""

    message: str


async def ask(
    reads: PointReader, log: GroupWriter, actor: TokenClaims, uscc: str, product_id: str
) -> EligibilityAnswer | Refusal:
    """Answer a bank under the enterprise's consent, or refuse; either way the query is logged (stored
    before the bank is answered, with others in one group commit: the request itself only reads, on the
    runtime's point reads — the hottest route of the service, so no ORM session)."""
    now = datetime.now(UTC)
    bank_id = actor.bank_id or ""
    row = await reads.one(facts.SNAPSHOT, facts.snapshot_params(uscc, bank_id, product_id, now.date()))
    assert row is not None  # the statement selects from an aggregate: always one row
    seen = facts.snapshot_of(row)
    product = await products.definition_read(reads, product_id, seen.product_version)
    query = {
        "query_id": time_ordered_id("eq_"),
        "uscc": uscc,
        "bank_id": bank_id,
        "client_id": actor.sub,
        "product_id": product_id,
        "product_version": seen.product_version,
        "asked_at": now,
    }
    if not seen.consented:
        refusal = Refusal(
            f"no active consent for bank {bank_id} and product {product_id}: ask the enterprise to grant one"
        )
        await log.write({**query, "outcome": QueryOutcome.REFUSED.value, "eligible": None, "told": refusal.message})
        return refusal
    known = fact_store.facts_from(seen)
    rules = evaluate(product, known)
    eligible = all(r.passed for r in rules)
    told = "eligible" if eligible else "not met: " + ", ".join(r.id for r in rules if not r.passed)
    await log.write({**query, "outcome": QueryOutcome.ANSWERED.value, "eligible": eligible, "told": told})
    return EligibilityAnswer(
        query_id=str(query["query_id"]),
        uscc=uscc,
        product_id=product_id,
        product_version=int(seen.product_version or 0),
        eligible=eligible,
        rules=rules,
        suggested_limit_fen=suggested_limit(product, known),
        subsidy_cap_fen=product.terms.subsidy_cap_fen,
        subsidy_headroom_fen=headroom(product, await granted(reads, uscc, product, now.year)),
        asked_at=now,
    )


async def granted(reads: PointReader, uscc: str, product: ProductDefinition, year: int) -> int:
    """Support recorded under `product`: the interest subsidy granted this year, or the transformation
    subsidy computed, approved or paid."""
    if product.kind is ProductKind.INTEREST_SUBSIDY:
        params: dict[str, Any] = {"uscc": uscc, "scheme_id": product.product_id, "year": year}
        row = await reads.one(interest.GRANTED_IN_YEAR, params)
    elif product.kind is ProductKind.TRANSFORMATION_SUBSIDY:
        row = await reads.one(subsidies.GRANTED, {"uscc": uscc, "product_id": product.product_id})
    else:
        return 0
    return int((row or {}).get("granted") or 0)


async def queries_about(uow: UnitOfWork, actor: TokenClaims, uscc: str, limit: int) -> list[EligibilityQueryRead]:
    """Who asked about an enterprise, when, for what and what they were told (refusals included)."""
    if actor.role is Role.ENTERPRISE and actor.uscc != uscc:
        raise Forbidden("an enterprise sees the queries about itself only", field="uscc")
    if actor.role is Role.DISTRICT:
        enterprise = await facts.facts_of(uow.session, uscc)
        if enterprise is None:
            raise Forbidden(f"enterprise {uscc} is outside your scope", field="uscc")
        require_district(actor, enterprise.district_code)
    rows = await repository.of_enterprise(uow.session, uscc, limit)
    return [
        EligibilityQueryRead.model_validate({f: getattr(r, f) for f in EligibilityQuery.model_fields}) for r in rows
    ]
