"""What is read back of the provider push: a provider's own batches and quality, the city's and operators'
of every provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.api.identity import Role, TokenClaims
from contracts.push import BatchSummary, ProviderQuality, PushReport
from registry.push import repository as repo
from registry.push.rules import QualityTallies, quality
from servicekit.db import columns_of
from servicekit.errors import Forbidden, NotFound
from servicekit.uow import UnitOfWork


def scope(actor: TokenClaims, provider_id: str | None) -> str | None:
    """The provider whose data the caller may see: a provider its own; the city and ops any (or all)."""
    if actor.role == Role.PROVIDER:
        if provider_id is not None and provider_id != actor.provider_id:
            raise Forbidden("a provider sees only its own pushes and quality")
        return actor.provider_id
    return provider_id


async def list_batches(uow: UnitOfWork, actor: TokenClaims, provider_id: str | None, limit: int) -> list[BatchSummary]:
    rows = await repo.list_batches(uow.session, scope(actor, provider_id), limit)
    return [BatchSummary.model_validate(r, from_attributes=True) for r in rows]


async def get_batch(uow: UnitOfWork, actor: TokenClaims, batch_id: str) -> PushReport:
    """One batch's report with its rejected records' results; another provider's batch is not found."""
    row = await repo.get_batch(uow.session, batch_id)
    if row is None:
        raise NotFound(f"no batch {batch_id}")
    if actor.role == Role.PROVIDER and row.provider_id != actor.provider_id:
        raise Forbidden("a provider sees only its own batches")
    return PushReport.model_validate({**columns_of(row), "results": row.rejected_results})


async def quality_scores(
    uow: UnitOfWork, actor: TokenClaims, provider_id: str | None, days: int, timely_days: int
) -> list[ProviderQuality]:
    """Data-quality scores over the last `days` days: of one provider (always answered, zero records
    included), or of every provider that pushed."""
    wanted = scope(actor, provider_id)
    since = datetime.now(UTC) - timedelta(days=days)
    rows = await repo.quality_tallies(uow.session, since, wanted)
    if wanted is not None and not rows:
        rows = [QualityTallies(provider_id=wanted)]
    return [quality(r, days, timely_days) for r in rows]
