"""Adoptions: an enterprise adopted a listed solution; its before/after outcomes (verified by the district),
its rating of the provider, and the notices it gets when the solution is suspended or delisted."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from catalog.adoptions import repository
from catalog.adoptions.rules import improvement_pct
from catalog.demands import repository as enterprises
from catalog.matching import repository as matching
from catalog.models import Adoption, Outcome, Rating, Solution
from catalog.solutions import repository as solutions
from contracts.api.adoptions import AdoptionCreate, AdoptionRead, OutcomeCreate, OutcomeRead, RatingCreate, RatingRead
from contracts.api.catalog import CLOUD_DELIVERIES, Delivery, SolutionStatus
from contracts.api.identity import Role, TokenClaims
from contracts.events.catalog import AdopterNotified, AdoptionRecorded, OutcomeVerified, ProviderRated
from servicekit.auth import own_uscc, require_district, unit_scope
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork

STATUS_WORDS = {SolutionStatus.SUSPENDED: "暂停", SolutionStatus.DELISTED: "下架"}


def _outcome(row: Outcome) -> OutcomeRead:
    return OutcomeRead.model_validate({f: getattr(row, f) for f in OutcomeRead.model_fields})


def _read(row: Adoption, name: str, outcomes: list[Outcome], rating: Rating | None) -> AdoptionRead:
    values = {f: getattr(row, f) for f in AdoptionRead.model_fields if hasattr(row, f)}
    return AdoptionRead.model_validate(
        {
            **values,
            "solution_name": name,
            "outcomes": [_outcome(o) for o in outcomes],
            "rating": RatingRead.model_validate(rating, from_attributes=True) if rating else None,
        }
    )


async def _subject(uow: UnitOfWork, actor: TokenClaims, cmd: AdoptionCreate, solution: Solution) -> str:
    """The adopting enterprise, if the caller may record the adoption."""
    if actor.role is Role.ENTERPRISE:
        if cmd.uscc is not None and cmd.uscc != actor.uscc:
            raise Forbidden("an enterprise records its own adoptions only", field="uscc")
        return actor.uscc or ""
    if cmd.uscc is None:
        raise InvalidInput("name the enterprise that adopted the solution", field="uscc")
    if actor.role is Role.PROVIDER:
        if solution.provider_id != actor.provider_id:
            raise Forbidden("a provider records adoptions of its own solutions only", field="solution_id")
        project = await repository.project(uow.session, cmd.project_id) if cmd.project_id else None
        if project is None or project.uscc != cmd.uscc or project.provider_id != actor.provider_id:
            raise InvalidInput("a provider names a project it runs for this enterprise", field="project_id")
    return cmd.uscc


async def record(uow: UnitOfWork, actor: TokenClaims, cmd: AdoptionCreate) -> AdoptionRead:
    solution = await solutions.get(uow.session, cmd.solution_id)
    if solution is None or solution.status != SolutionStatus.LISTED.value:
        raise InvalidInput(f"solution {cmd.solution_id} is not listed", field="solution_id")
    if Delivery(cmd.delivery).value not in solution.delivery:
        raise InvalidInput(f"the solution is not delivered as {cmd.delivery.value}", field="delivery")
    uscc = await _subject(uow, actor, cmd, solution)
    profile = await enterprises.profile(uow.session, uscc)
    if profile is None:
        raise InvalidInput(f"enterprise {uscc} is not known to the catalog (yet)", field="uscc")
    if actor.role is Role.DISTRICT:
        require_district(actor, profile.district_code)
    if await repository.of_enterprise_and_solution(uow.session, uscc, cmd.solution_id) is not None:
        raise Conflict(f"enterprise {uscc} has adopted solution {cmd.solution_id} already")
    now = datetime.now(UTC)
    row = Adoption(
        adoption_id=f"ad_{secrets.token_hex(8)}",
        uscc=uscc,
        district_code=profile.district_code,
        sub_industry=profile.sub_industry,
        solution_id=solution.solution_id,
        provider_id=solution.provider_id,
        project_id=cmd.project_id,
        delivery=cmd.delivery.value,
        cloud=cmd.delivery in CLOUD_DELIVERIES,
        adopted_on=cmd.adopted_on,
        recorded_by=actor.sub,
        created_at=now,
    )
    await repository.add(uow.session, row)
    uow.audit(actor, "adoption.record", row.adoption_id, {"uscc": uscc, "solution": solution.solution_id})
    uow.emit(
        AdoptionRecorded(
            adoption_id=row.adoption_id,
            uscc=uscc,
            district_code=row.district_code,
            solution_id=row.solution_id,
            provider_id=row.provider_id,
            project_id=row.project_id,
            delivery=cmd.delivery,
            cloud=row.cloud,
            adopted_on=row.adopted_on,
            recorded_at=now,
        )
    )
    return _read(row, solution.name, [], None)


def _check_scope(actor: TokenClaims, row: Adoption) -> None:
    """Who may see an adoption: the enterprise, its district, the solution's provider, the city."""
    if actor.role is Role.ENTERPRISE and row.uscc != actor.uscc:
        raise NotFound(f"adoption {row.adoption_id} not found")
    if actor.role is Role.PROVIDER and row.provider_id != actor.provider_id:
        raise NotFound(f"adoption {row.adoption_id} not found")
    if actor.role is Role.DISTRICT:
        require_district(actor, row.district_code)


async def visible(uow: UnitOfWork, actor: TokenClaims, adoption_id: str) -> Adoption:
    row = await repository.get(uow.session, adoption_id)
    if row is None:
        raise NotFound(f"adoption {adoption_id} not found")
    _check_scope(actor, row)
    return row


async def list_adoptions(
    uow: UnitOfWork, actor: TokenClaims, uscc: str | None, solution_id: str | None, limit: int
) -> list[AdoptionRead]:
    """Adoptions in the caller's scope with their outcomes and ratings (three reads for the page)."""
    uscc = own_uscc(actor, uscc, "adoptions")
    rows = await repository.find(
        uow.session,
        districts=unit_scope(actor),
        uscc=uscc,
        provider_id=actor.provider_id if actor.role is Role.PROVIDER else None,
        solution_id=solution_id,
        limit=limit,
    )
    ids = [r.adoption_id for r in rows]
    outcomes = await repository.outcomes_of(uow.session, ids)
    ratings = await repository.ratings_of(uow.session, ids)
    names = await solutions.names(uow.session, list({r.solution_id for r in rows}))
    return [
        _read(r, names.get(r.solution_id, ""), outcomes.get(r.adoption_id, []), ratings.get(r.adoption_id))
        for r in rows
    ]


async def add_outcome(uow: UnitOfWork, actor: TokenClaims, adoption_id: str, cmd: OutcomeCreate) -> OutcomeRead:
    """A before/after figure (the enterprise, its district or the provider): it counts once verified."""
    row = await visible(uow, actor, adoption_id)
    now = datetime.now(UTC)
    outcome = Outcome(
        outcome_id=f"oc_{secrets.token_hex(8)}",
        adoption_id=adoption_id,
        solution_id=row.solution_id,
        provider_id=row.provider_id,
        sub_industry=row.sub_industry,
        metric=cmd.metric.value,
        unit=cmd.unit,
        before=cmd.before,
        after=cmd.after,
        improvement_pct=(pct := improvement_pct(cmd.metric, cmd.before, cmd.after)),
        improved=pct > 0,
        measured_on=cmd.measured_on,
        note=cmd.note,
        recorded_by=actor.sub,
        recorded_at=now,
    )
    await repository.add_outcome(uow.session, outcome)
    uow.audit(actor, "outcome.record", outcome.outcome_id, {"adoption": adoption_id, "metric": cmd.metric.value})
    return _outcome(outcome)


async def verify_outcome(uow: UnitOfWork, actor: TokenClaims, outcome_id: str) -> OutcomeRead:
    """The district (or the city) verifies a figure: it now counts in matching and the provider's rating."""
    outcome = await repository.get_outcome(uow.session, outcome_id)
    if outcome is None:
        raise NotFound(f"outcome {outcome_id} not found")
    adoption = await visible(uow, actor, outcome.adoption_id)
    if outcome.verified_at is not None:
        raise Conflict(f"outcome {outcome_id} was verified already")
    now = datetime.now(UTC)
    await repository.verify_outcome(uow.session, outcome_id, actor.sub, now)
    outcome.verified_by, outcome.verified_at = actor.sub, now
    await matching.bump(uow.session)
    uow.audit(actor, "outcome.verify", outcome_id, {"adoption": adoption.adoption_id})
    uow.emit(
        OutcomeVerified(
            adoption_id=adoption.adoption_id,
            uscc=adoption.uscc,
            district_code=adoption.district_code,
            solution_id=adoption.solution_id,
            provider_id=adoption.provider_id,
            outcome_id=outcome_id,
            sub_industry=adoption.sub_industry,
            metric=outcome.metric,
            before=outcome.before,
            after=outcome.after,
            improvement_pct=outcome.improvement_pct,
            verified_at=now,
        )
    )
    return _outcome(outcome)


async def rate(uow: UnitOfWork, actor: TokenClaims, adoption_id: str, cmd: RatingCreate) -> RatingRead:
    """The adopting enterprise rates the provider (a new rating replaces its previous one)."""
    adoption = await visible(uow, actor, adoption_id)
    now = datetime.now(UTC)
    row = Rating(
        adoption_id=adoption_id,
        uscc=adoption.uscc,
        provider_id=adoption.provider_id,
        solution_id=adoption.solution_id,
        stars=cmd.stars,
        comment=cmd.comment,
        rated_at=now,
    )
    await repository.put_rating(uow.session, row)
    await matching.bump(uow.session)
    uow.audit(actor, "provider.rate", adoption_id, {"stars": cmd.stars})
    uow.emit(
        ProviderRated(
            adoption_id=adoption_id,
            uscc=adoption.uscc,
            district_code=adoption.district_code,
            solution_id=adoption.solution_id,
            provider_id=adoption.provider_id,
            stars=cmd.stars,
            rated_at=now,
        )
    )
    return RatingRead.model_validate(row, from_attributes=True)


async def notify_adopters(
    uow: UnitOfWork, solution: Solution, status: SolutionStatus, reason: str, at: datetime
) -> int:
    """Tell every adopter the solution was suspended or delisted: a notice on its adoption, and an event."""
    notice = f"该方案已被{STATUS_WORDS[status]}：{reason}"
    told = await repository.notify(uow.session, solution.solution_id, notice, at)
    for a in told:
        uow.emit(
            AdopterNotified(
                adoption_id=a.adoption_id,
                uscc=a.uscc,
                district_code=a.district_code,
                solution_id=solution.solution_id,
                provider_id=solution.provider_id,
                solution_status=status.value,
                reason=reason,
                notified_at=at,
            )
        )
    return len(told)
