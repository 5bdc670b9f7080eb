"""Events catalog consumes: enterprises and projects (read models), providers and their data quality, and
finalised assessments (the demands derived from their weakest scenes). Every handler is set-based per batch."""

from __future__ import annotations

from typing import Any

from catalog.demands import service as demands
from catalog.matching import repository as matching
from catalog.models import EnterpriseProfile, KnownProject
from catalog.providers import repository as providers
from contracts.events.assessment import AssessmentFinalised
from contracts.events.registry import (
    EnterpriseRegistered,
    EnterpriseSnapshot,
    ProviderQualityScored,
    ProviderRegistered,
    ProviderStatusChanged,
)
from readmodels.handlers import enterprise_subscriptions, project_subscriptions
from servicekit.consumer import Received, Subscription
from servicekit.subscriptions import merged
from servicekit.uow import UnitOfWork


def _matching(p: EnterpriseRegistered | EnterpriseSnapshot) -> dict[str, Any]:
    """What matching needs of an enterprise, beside the shared read model's columns (the same row)."""
    return {"industry_code": p.industry_code, "sub_industry": p.sub_industry}


async def on_provider_registered(uow: UnitOfWork, events: list[Received[ProviderRegistered]]) -> None:
    rows = [{"provider_id": e.payload.provider_id, "name": e.payload.name} for e in events]
    await providers.put_registered(uow.session, rows)


async def on_provider_status_changed(uow: UnitOfWork, events: list[Received[ProviderStatusChanged]]) -> None:
    """Approved, suspended, reinstated: a suspended provider's solutions leave search and matching at once."""
    latest = {e.payload.provider_id: e.payload.after.value for e in events}  # in order: the last one wins
    await providers.put_status(uow.session, [{"provider_id": p, "status": s} for p, s in latest.items()])
    await matching.bump(uow.session)


async def on_quality_scored(uow: UnitOfWork, events: list[Received[ProviderQualityScored]]) -> None:
    rows = [
        {"provider_id": p.provider_id, "quality_score": p.score, "quality_at": p.scored_at}
        for p in (e.payload for e in events)
    ]
    await providers.put_quality(uow.session, rows)


async def on_assessment_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    await demands.derive_from_assessments(uow, [e.payload for e in events])


SUBSCRIPTIONS = merged(
    enterprise_subscriptions(EnterpriseProfile, own=_matching),
    project_subscriptions(KnownProject),
    [
        Subscription(ProviderRegistered, on_provider_registered, idempotent=True),
        Subscription(ProviderStatusChanged, on_provider_status_changed, idempotent=True),
        Subscription(ProviderQualityScored, on_quality_scored, idempotent=True),
        Subscription(AssessmentFinalised, on_assessment_finalised, idempotent=True),
    ],
)
