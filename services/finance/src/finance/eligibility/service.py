"""Eligibility for banks: answered only under the enterprise's active consent, from finance's own facts;
every query, answered or refused, is logged for the enterprise to see."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from contracts.api.finance import EligibilityAnswer, EligibilityQueryRead, QueryOutcome
from contracts.api.identity import Role, TokenClaims
from finance.consents import service as consents
from finance.eligibility import repository
from finance.eligibility.rules import evaluate, headroom, suggested_limit
from finance.facts import repository as facts
from finance.facts import service as fact_store
from finance.models import EligibilityQuery
from finance.products import service as products
from servicekit.auth import require_district
from servicekit.errors import Forbidden
from servicekit.uow import UnitOfWork

# Support finance has recorded for an enterprise under a product: subsidies are not recorded yet (loans and
# subsidies come next), so the headroom is the whole cap until then.
NOTHING_RECORDED_FEN = 0


@dataclass(frozen=True)
class Refusal:
    """A query refused for want of consent: logged, then answered 403 with nothing about the enterprise."""

    message: str


async def ask(uow: UnitOfWork, actor: TokenClaims, uscc: str, product_id: str) -> EligibilityAnswer | Refusal:
    product = await products.current(uow, product_id)
    now = datetime.now(UTC)
    query = EligibilityQuery(
        query_id=f"eq_{secrets.token_hex(8)}",
        uscc=uscc,
        bank_id=actor.bank_id or "",
        client_id=actor.sub,
        product_id=product.product_id,
        product_version=product.version,
        asked_at=now,
        outcome=QueryOutcome.REFUSED.value,
        told="",
    )
    if await consents.active_consent(uow, uscc, query.bank_id, product.product_id) is None:
        refusal = Refusal(
            f"no active consent for bank {query.bank_id} and product {product.product_id}: "
            "ask the enterprise to grant one"
        )
        query.told = refusal.message
        await repository.log(uow.session, query)
        return refusal
    known = await fact_store.gather(uow, uscc)
    rules = evaluate(product.definition, known)
    eligible = all(r.passed for r in rules)
    query.outcome, query.eligible = QueryOutcome.ANSWERED.value, eligible
    query.told = "eligible" if eligible else "not met: " + ", ".join(r.id for r in rules if not r.passed)
    await repository.log(uow.session, query)
    return EligibilityAnswer(
        query_id=query.query_id,
        uscc=uscc,
        product_id=product.product_id,
        product_version=product.version,
        eligible=eligible,
        rules=rules,
        suggested_limit_fen=suggested_limit(product.definition, known),
        subsidy_cap_fen=product.definition.terms.subsidy_cap_fen,
        subsidy_headroom_fen=headroom(product.definition, NOTHING_RECORDED_FEN),
        asked_at=now,
    )


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
