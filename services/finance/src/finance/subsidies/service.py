"""The transformation subsidy (奖补): computed from the verified level change and the verified investment,
approved and paid by the city, withheld while unpaid if a new measurement breaks its level conditions;
an invoice funded before is not counted again and is flagged to the city with both fundings named."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from contracts.api.finance import Fact, ProductKind
from contracts.api.identity import Role, TokenClaims
from contracts.api.subsidies import FlagKind, FlagRead, FlagResolution, SubsidyApplication, SubsidyRead, SubsidyStatus
from contracts.events.assessment import DesignationRevoked, ProjectLevelChanged
from contracts.events.finance import FundingFlagResolved, SubsidyDecided, SubsidyWithheld
from finance.eligibility.rules import evaluate
from finance.facts import service as fact_store
from finance.funding import service as funding
from finance.funding.rules import Finding
from finance.loans import repository as loans
from finance.models import FundingFlag, TransformationSubsidy
from finance.products import service as products
from finance.subsidies import repository
from finance.subsidies.rules import DESIGNATION_FACTS, amount, broken_conditions, verified_investment
from servicekit.auth import own_uscc, require_district
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork

PRODUCT = "transformation-subsidy"


def to_read(row: TransformationSubsidy) -> SubsidyRead:
    return SubsidyRead.model_validate({f: getattr(row, f) for f in TransformationSubsidy.model_fields})


def _applicant(actor: TokenClaims, cmd: SubsidyApplication) -> str:
    if actor.role is Role.ENTERPRISE:
        if cmd.uscc is not None and cmd.uscc != actor.uscc:
            raise Forbidden("an enterprise applies for itself only", field="uscc")
        return str(actor.uscc)
    if cmd.uscc is None:
        raise InvalidInput("name the enterprise you apply for", field="uscc")
    return cmd.uscc


async def apply(uow: UnitOfWork, actor: TokenClaims, cmd: SubsidyApplication) -> SubsidyRead:
    """Compute the subsidy of a project: its rules, the verified investment, the amount, each step said."""
    uscc = _applicant(actor, cmd)
    now = datetime.now(UTC)
    seen = await fact_store.snapshot(uow, uscc, "", PRODUCT, now.date())
    product = await products.definition(uow, PRODUCT, seen.product_version)
    if product.kind is not ProductKind.TRANSFORMATION_SUBSIDY:  # pragma: no cover - the shipped product
        raise InvalidInput(f"{PRODUCT} is not a transformation subsidy", field="product")
    if not seen.registered or seen.district_code is None:
        raise InvalidInput(f"enterprise {uscc} is not known to finance (yet)", field="uscc")
    if actor.role is Role.DISTRICT:
        require_district(actor, seen.district_code)
    if await loans.project_owner(uow.session, cmd.project_id) != uscc:
        raise InvalidInput(f"no project {cmd.project_id} of enterprise {uscc}", field="project_id")
    rules = evaluate(product, fact_store.facts_from(seen))
    eligible = all(r.passed for r in rules)
    subsidy_id = f"sb_{secrets.token_hex(8)}"
    used = await repository.funded(uow.session, [i.number for i in cmd.invoices])
    verified, explanation = verified_investment(cmd.investment_fen, cmd.invoices, used)
    granted = 0
    if eligible:
        before = await repository.granted_before(uow.session, uscc, PRODUCT)
        share, cap = product.terms.subsidy_share or Decimal(0), product.terms.subsidy_cap_fen or 0
        granted, steps = amount(share, cap, before, verified)
        explanation += steps
    row = TransformationSubsidy(
        subsidy_id=subsidy_id,
        uscc=uscc,
        district_code=seen.district_code,
        project_id=cmd.project_id,
        product_id=PRODUCT,
        product_version=int(seen.product_version or 0),
        status=(SubsidyStatus.COMPUTED if eligible else SubsidyStatus.NOT_ELIGIBLE).value,
        investment_fen=cmd.investment_fen,
        verified_fen=verified,
        amount_fen=granted,
        rules=rules,
        explanation=explanation,
        applied_at=now,
        applied_by=actor.sub,
    )
    await repository.add(uow.session, row)
    if eligible:
        fresh = [i for i in cmd.invoices if i.number not in used]
        await repository.add_funded(
            uow.session,
            [{"number": i.number, "uscc": uscc, "funding": subsidy_id, "amount_fen": i.amount_fen} for i in fresh],
        )
    if used:
        await funding.raise_flags(uow, [_reuse(uscc, subsidy_id, used)])
    if eligible:  # beyond the invoices: loans for the project, and other providers paid for the same scenes
        await funding.check(uow, usccs=[uscc], project_ids=[cmd.project_id])
    uow.audit(actor, "subsidy.apply", subsidy_id, {"uscc": uscc, "project": cmd.project_id, "amount_fen": granted})
    uow.emit(
        SubsidyDecided(
            subsidy_id=subsidy_id,
            uscc=uscc,
            district_code=row.district_code,
            project_id=cmd.project_id,
            product_id=PRODUCT,
            product_version=row.product_version,
            status=row.status,
            amount_fen=granted,
            at=now,
        )
    )
    return to_read(row)


def _reuse(uscc: str, subsidy_id: str, used: dict[str, str]) -> Finding:
    earlier = sorted(set(used.values()))
    return Finding(
        uscc=uscc,
        kind=FlagKind.INVOICE_REUSED,
        fundings=[subsidy_id, *earlier],
        detail=f"invoice(s) {', '.join(sorted(used))} already funded {', '.join(earlier)}; not counted in {subsidy_id}",
        signature=f"{FlagKind.INVOICE_REUSED.value}:{subsidy_id}",
    )


async def _in_scope(uow: UnitOfWork, actor: TokenClaims, subsidy_id: str) -> TransformationSubsidy:
    row = await repository.get(uow.session, subsidy_id)
    if row is None or (actor.role is Role.ENTERPRISE and row.uscc != actor.uscc):
        raise NotFound(f"subsidy {subsidy_id} not found")
    if actor.role is Role.DISTRICT:
        require_district(actor, row.district_code)
    return row


async def get(uow: UnitOfWork, actor: TokenClaims, subsidy_id: str) -> SubsidyRead:
    return to_read(await _in_scope(uow, actor, subsidy_id))


async def list_subsidies(uow: UnitOfWork, actor: TokenClaims, uscc: str | None, limit: int) -> list[SubsidyRead]:
    uscc = own_uscc(actor, uscc, "subsidies")
    districts = list(actor.districts) if actor.role is Role.DISTRICT else None
    return [to_read(r) for r in await repository.find(uow.session, districts=districts, uscc=uscc, limit=limit)]


async def advance(uow: UnitOfWork, actor: TokenClaims, subsidy_id: str, to: SubsidyStatus) -> SubsidyRead:
    """The city approves a computed subsidy, or pays an approved one."""
    row = await _in_scope(uow, actor, subsidy_id)
    needed = SubsidyStatus.COMPUTED if to is SubsidyStatus.APPROVED else SubsidyStatus.APPROVED
    if row.status != needed.value:
        raise Conflict(f"subsidy {subsidy_id} is {row.status}: only a {needed.value} one can be {to.value}")
    now = datetime.now(UTC)
    stamp = {"approved_at": now} if to is SubsidyStatus.APPROVED else {"paid_at": now}
    await repository.set_status(uow.session, subsidy_id, to.value, **stamp)
    row.status = to.value
    for k, v in stamp.items():
        setattr(row, k, v)
    uow.audit(actor, f"subsidy.{to.value}", subsidy_id, {"amount_fen": row.amount_fen})
    uow.emit(
        SubsidyDecided(
            subsidy_id=subsidy_id,
            uscc=row.uscc,
            district_code=row.district_code,
            project_id=row.project_id,
            product_id=row.product_id,
            product_version=row.product_version,
            status=to.value,
            amount_fen=row.amount_fen,
            at=now,
        )
    )
    return to_read(row)


async def withhold_broken(uow: UnitOfWork, changes: Sequence[ProjectLevelChanged]) -> None:
    """After new T0→T1 measurements: every unpaid subsidy of those projects whose level conditions no
    longer hold is withheld (one query, one update for the batch)."""
    latest = {c.project_id: c for c in sorted(changes, key=lambda c: c.measured_at)}
    reasons: list[tuple[TransformationSubsidy, str]] = []
    for row in await repository.unpaid_of_projects(uow.session, list(latest)):
        change = latest[row.project_id]
        product = await products.definition(uow, row.product_id, row.product_version)
        levels = {Fact.T0_LEVEL: change.t0_level, Fact.T1_LEVEL: change.t1_level, Fact.LEVEL_DELTA: change.level_delta}
        broken = broken_conditions(product.conditions, levels)
        if broken:
            reason = f"re-measured T0 {change.t0_level} → T1 {change.t1_level}: {', '.join(broken)} no longer met"
            reasons.append((row, reason))
    await _withhold(uow, reasons)


async def withhold_undesignated(uow: UnitOfWork, revoked: Sequence[DesignationRevoked]) -> None:
    """After designations were revoked (and stored as such): every unpaid subsidy of those enterprises whose
    product version names a designation the enterprise no longer holds is withheld, the revocation said."""
    said = {r.uscc: r for r in sorted(revoked, key=lambda r: r.revoked_at)}
    usccs = sorted(said)
    held = await repository.held_designations(uow.session, usccs)
    reasons: list[tuple[TransformationSubsidy, str]] = []
    for row in await repository.unpaid_of_enterprises(uow.session, usccs):
        product = await products.definition(uow, row.product_id, row.product_version)
        facts = {kind: kind.value in held[row.uscc] for kind in DESIGNATION_FACTS}
        broken = broken_conditions(product.conditions, facts)
        if broken:
            r = said[row.uscc]
            reason = f"designation {r.designation_id} ({r.kind}) revoked: {r.reason}; {', '.join(broken)} no longer met"
            reasons.append((row, reason))
    await _withhold(uow, reasons)


async def _withhold(uow: UnitOfWork, reasons: Sequence[tuple[TransformationSubsidy, str]]) -> None:
    now = datetime.now(UTC)
    for row, reason in reasons:
        uow.emit(
            SubsidyWithheld(
                subsidy_id=row.subsidy_id,
                uscc=row.uscc,
                district_code=row.district_code,
                project_id=row.project_id,
                amount_fen=row.amount_fen,
                reason=reason,
                at=now,
            )
        )
    await repository.withhold(uow.session, [{"id": row.subsidy_id, "at": now, "reason": r} for row, r in reasons])


async def list_flags(uow: UnitOfWork, open_only: bool, limit: int) -> list[FlagRead]:
    rows = await repository.flags(uow.session, open_only, limit)
    return [FlagRead.model_validate({f: getattr(r, f) for f in FundingFlag.model_fields}) for r in rows]


async def resolve_flag(uow: UnitOfWork, actor: TokenClaims, flag_id: str, cmd: FlagResolution) -> FlagRead:
    row = await repository.get_flag(uow.session, flag_id)
    if row is None:
        raise NotFound(f"flag {flag_id} not found")
    if row.resolved_at is not None:
        raise Conflict(f"flag {flag_id} was resolved already")
    now = datetime.now(UTC)
    await repository.resolve_flag(uow.session, flag_id, now, cmd.reason)
    row.resolved_at, row.resolution = now, cmd.reason
    uow.audit(actor, "flag.resolve", flag_id, {"reason": cmd.reason})
    uow.emit(FundingFlagResolved(flag_id=flag_id, uscc=row.uscc, resolution=cmd.reason, resolved_at=now))
    return FlagRead.model_validate({f: getattr(row, f) for f in FundingFlag.model_fields})
