"""Solutions: submitted by approved providers, reviewed by the city, listed, suspended, appealed, delisted."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta

from catalog.adoptions import service as adoptions
from catalog.matching import repository as matching
from catalog.models import Solution, SolutionRevision
from catalog.providers import service as providers
from catalog.search.rules import attribute_terms, index_terms
from catalog.solutions import repository, rules
from contracts.api.catalog import (
    AppealCreate,
    AppealDecision,
    AppealOutcome,
    ReviewDecision,
    ReviewQueueEntry,
    RevisionState,
    SolutionContent,
    SolutionRead,
    SolutionReview,
    SolutionRevisionRead,
    SolutionStatus,
    StatusReason,
)
from contracts.api.identity import Role, TokenClaims
from contracts.events.catalog import SolutionDelisted, SolutionListed, SolutionReinstated, SolutionSuspended
from servicekit.errors import Conflict, Forbidden, NotFound
from servicekit.uow import UnitOfWork

REVIEW_EVERY = timedelta(days=365)


def _revision(row: SolutionRevision | None) -> SolutionRevisionRead | None:
    if row is None:
        return None
    return SolutionRevisionRead(
        revision=row.revision,
        state=RevisionState(row.state),
        content=SolutionContent.model_validate(row.content),
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
        review_reasons=row.review_reasons,
    )


def _sees_drafts(actor: TokenClaims, row: Solution) -> bool:
    return actor.role is Role.CITY or (actor.role is Role.PROVIDER and actor.provider_id == row.provider_id)


async def _read(uow: UnitOfWork, actor: TokenClaims, row: Solution) -> SolutionRead:
    drafts = _sees_drafts(actor, row)
    wanted = [n for n in (row.listed_revision, row.pending_revision, row.rejected_revision) if n is not None]
    found = await repository.revisions(uow.session, row.solution_id, wanted if drafts else wanted[:1])
    return SolutionRead(
        solution_id=row.solution_id,
        provider_id=row.provider_id,
        status=SolutionStatus(row.status),
        listed=_revision(found.get(row.listed_revision or 0)),
        pending=_revision(found.get(row.pending_revision or 0)) if drafts else None,
        last_rejection=_revision(found.get(row.rejected_revision or 0)) if drafts else None,
        listed_at=row.listed_at,
        review_due=row.review_due,
        suspension_reason=row.suspension_reason,
        appeal=row.appeal,
        appealed_at=row.appealed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _visible(uow: UnitOfWork, actor: TokenClaims, solution_id: str) -> Solution:
    """The solution, if the caller may see it: a listed (or suspended) one anyone; a draft its owner and the
    city. Another provider's draft is not found, as if it did not exist."""
    row = await repository.get(uow.session, solution_id)
    if row is None or (row.listed_revision is None and not _sees_drafts(actor, row)):
        raise NotFound(f"solution {solution_id} not found")
    return row


async def _owned(uow: UnitOfWork, actor: TokenClaims, solution_id: str) -> Solution:
    row = await _visible(uow, actor, solution_id)
    if actor.role is Role.PROVIDER and row.provider_id != actor.provider_id:
        raise Forbidden("a provider changes only its own solutions")
    return row


def _new_revision(solution_id: str, number: int, content: SolutionContent, actor: TokenClaims) -> SolutionRevision:
    return SolutionRevision(
        solution_id=solution_id,
        revision=number,
        state=RevisionState.PENDING.value,
        content=content.model_dump(mode="json"),
        submitted_at=datetime.now(UTC),
        submitted_by=actor.sub,
    )


async def submit(uow: UnitOfWork, actor: TokenClaims, content: SolutionContent) -> SolutionRead:
    """A new solution, in review: nothing is listed before the city approves it."""
    provider = await providers.approved(uow, actor.provider_id)
    now = datetime.now(UTC)
    solution_id = f"so_{secrets.token_hex(8)}"
    row = Solution(
        solution_id=solution_id,
        provider_id=provider.provider_id,
        status=SolutionStatus.SUBMITTED.value,
        pending_revision=1,
        name=content.name,
        category=content.category,
        created_at=now,
        updated_at=now,
    )
    await repository.add(uow.session, row, _new_revision(solution_id, 1, content, actor))
    uow.audit(actor, "solution.submit", solution_id, {"name": content.name, "revision": 1})
    return await _read(uow, actor, row)


async def edit(uow: UnitOfWork, actor: TokenClaims, solution_id: str, content: SolutionContent) -> SolutionRead:
    """A new revision in review; a listed solution keeps showing its listed revision until this one is approved."""
    row = await _owned(uow, actor, solution_id)
    if (problem := rules.edit_problem(SolutionStatus(row.status))) is not None:
        raise Conflict(problem)
    await providers.approved(uow, row.provider_id)
    number = await repository.last_revision(uow.session, solution_id) + 1
    if row.pending_revision is not None:
        await repository.set_revision_state(
            uow.session, solution_id, row.pending_revision, state=RevisionState.SUPERSEDED.value
        )
    await repository.add_revision(uow.session, _new_revision(solution_id, number, content, actor))
    now = datetime.now(UTC)
    await repository.change(uow.session, solution_id, pending_revision=number, updated_at=now)
    row.pending_revision, row.updated_at = number, now
    uow.audit(actor, "solution.edit", solution_id, {"revision": number})
    return await _read(uow, actor, row)


async def get(uow: UnitOfWork, actor: TokenClaims, solution_id: str) -> SolutionRead:
    return await _read(uow, actor, await _visible(uow, actor, solution_id))


async def review(uow: UnitOfWork, actor: TokenClaims, solution_id: str, cmd: SolutionReview) -> SolutionRead:
    """The city approves (lists) or rejects the revision in review."""
    row = await _visible(uow, actor, solution_id)
    if row.pending_revision is None:
        raise Conflict(f"solution {solution_id} has no revision in review")
    if row.pending_revision != cmd.revision:
        raise Conflict(f"revision {cmd.revision} is not the one in review (revision {row.pending_revision} is)")
    now = datetime.now(UTC)
    approved = cmd.decision is ReviewDecision.APPROVE
    state = RevisionState.APPROVED if approved else RevisionState.REJECTED
    await repository.set_revision_state(
        uow.session,
        solution_id,
        cmd.revision,
        state=state.value,
        reviewed_at=now,
        reviewed_by=actor.sub,
        review_reasons=list(cmd.reasons),
    )
    status = rules.status_after_review(SolutionStatus(row.status), approved)
    changes: dict[str, object] = {"pending_revision": None, "status": status.value, "updated_at": now}
    if approved:
        pending = (await repository.revisions(uow.session, solution_id, [cmd.revision]))[cmd.revision]
        content = SolutionContent.model_validate(pending.content)
        flat = rules.flattened(content)
        review_due = now.date() + REVIEW_EVERY
        changes |= flat | {"listed_revision": cmd.revision, "listed_at": now, "review_due": review_due}
        terms = index_terms(content.name, content.description) | attribute_terms(flat["industries"], flat["delivery"])
        await repository.reindex(uow.session, solution_id, terms, flat["scenes"])
        await matching.bump(uow.session)
        uow.emit(
            SolutionListed(
                solution_id=solution_id,
                provider_id=row.provider_id,
                revision=cmd.revision,
                name=content.name,
                category=content.category,
                delivery=content.delivery,
                scenes=flat["scenes"],
                industries=flat["industries"],
                lowest_price_fen=flat["lowest_price_fen"],
                discount_pct=content.discount_pct,
                review_due=review_due,
                listed_at=now,
            )
        )
    else:
        changes["rejected_revision"] = cmd.revision
    await repository.change(uow.session, solution_id, **changes)
    uow.audit(actor, f"solution.review.{cmd.decision.value}", solution_id, {"revision": cmd.revision})
    return await get(uow, actor, solution_id)


async def suspend(uow: UnitOfWork, actor: TokenClaims, solution_id: str, cmd: StatusReason) -> SolutionRead:
    """The city suspends a listed solution: it leaves search and matching, and its adopters are told."""
    row = await _visible(uow, actor, solution_id)
    if (problem := rules.suspension_problem(SolutionStatus(row.status))) is not None:
        raise Conflict(problem)
    now = datetime.now(UTC)
    await repository.change(
        uow.session,
        solution_id,
        status=SolutionStatus.SUSPENDED.value,
        suspension_reason=cmd.reason,
        appeal=None,
        appealed_at=None,
        updated_at=now,
    )
    told = await adoptions.notify_adopters(uow, row, SolutionStatus.SUSPENDED, cmd.reason, now)
    await matching.bump(uow.session)
    uow.emit(
        SolutionSuspended(
            solution_id=solution_id, provider_id=row.provider_id, reason=cmd.reason, adopters=told, suspended_at=now
        )
    )
    uow.audit(actor, "solution.suspend", solution_id, {"reason": cmd.reason, "adopters": told})
    return await get(uow, actor, solution_id)


async def appeal(uow: UnitOfWork, actor: TokenClaims, solution_id: str, cmd: AppealCreate) -> SolutionRead:
    row = await _owned(uow, actor, solution_id)
    if (problem := rules.appeal_problem(SolutionStatus(row.status), row.appeal is not None)) is not None:
        raise Conflict(problem)
    now = datetime.now(UTC)
    await repository.change(uow.session, solution_id, appeal=cmd.statement, appealed_at=now, updated_at=now)
    uow.audit(actor, "solution.appeal", solution_id, {})
    return await get(uow, actor, solution_id)


async def decide_appeal(uow: UnitOfWork, actor: TokenClaims, solution_id: str, cmd: AppealDecision) -> SolutionRead:
    """The city reinstates the solution (listed again) or upholds the suspension."""
    row = await _visible(uow, actor, solution_id)
    if (problem := rules.appeal_decision_problem(SolutionStatus(row.status), row.appeal is not None)) is not None:
        raise Conflict(problem)
    now = datetime.now(UTC)
    if cmd.outcome is AppealOutcome.REINSTATE:
        await repository.change(
            uow.session, solution_id, status=SolutionStatus.LISTED.value, suspension_reason=None, updated_at=now
        )
        await matching.bump(uow.session)
        uow.emit(
            SolutionReinstated(
                solution_id=solution_id, provider_id=row.provider_id, reason=cmd.reason, reinstated_at=now
            )
        )
    else:
        await repository.change(uow.session, solution_id, updated_at=now)
    uow.audit(actor, f"solution.appeal.{cmd.outcome.value}", solution_id, {"reason": cmd.reason})
    return await get(uow, actor, solution_id)


async def delist(uow: UnitOfWork, actor: TokenClaims, solution_id: str, cmd: StatusReason) -> SolutionRead:
    """Delisted for good: by the city, or withdrawn by its provider."""
    row = await _owned(uow, actor, solution_id)
    if (problem := rules.delisting_problem(SolutionStatus(row.status))) is not None:
        raise Conflict(problem)
    now = datetime.now(UTC)
    await repository.change(
        uow.session, solution_id, status=SolutionStatus.DELISTED.value, pending_revision=None, updated_at=now
    )
    if row.listed_revision is not None:
        await adoptions.notify_adopters(uow, row, SolutionStatus.DELISTED, cmd.reason, now)
        await matching.bump(uow.session)
    uow.emit(
        SolutionDelisted(
            solution_id=solution_id,
            provider_id=row.provider_id,
            reason=cmd.reason,
            by_role=actor.role.value,
            delisted_at=now,
        )
    )
    uow.audit(actor, "solution.delist", solution_id, {"reason": cmd.reason})
    return await get(uow, actor, solution_id)


async def of_provider(uow: UnitOfWork, actor: TokenClaims, provider_id: str) -> list[SolutionRead]:
    """Every solution of one provider in any state: the provider itself and the city."""
    if actor.role is Role.PROVIDER and actor.provider_id != provider_id:
        raise Forbidden("a provider sees only its own drafts")
    return [await _read(uow, actor, row) for row in await repository.of_provider(uow.session, provider_id)]


async def review_queue(uow: UnitOfWork, due_within_days: int, limit: int) -> list[ReviewQueueEntry]:
    """The city's work: revisions in review, oldest first, and listings whose annual review falls due."""
    due_by = date.today() + timedelta(days=due_within_days)
    out = []
    for row in await repository.review_queue(uow.session, due_by, limit):
        pending = row.pending_revision is not None
        out.append(
            ReviewQueueEntry(
                solution_id=row.solution_id,
                provider_id=row.provider_id,
                status=SolutionStatus(row.status),
                name=row.name,
                why="pending_revision" if pending else "annual_review",
                revision=row.pending_revision,
                since=row.updated_at if pending else None,
                review_due=row.review_due,
            )
        )
    return out
