"""Events finance consumes: the shared read models, and the facts its eligibility rules need."""

from __future__ import annotations

from typing import Any

from contracts.events.assessment import (
    AssessmentFinalised,
    DesignationGranted,
    DesignationRevoked,
    ProjectLevelChanged,
)
from contracts.events.catalog import AdoptionRecorded, SolutionListed
from contracts.events.registry import EnterpriseRegistered, EnterpriseSnapshot, ProjectCreated, ProjectStageChanged
from finance.facts import repository as facts
from finance.facts.standing_repository import refresh_standings
from finance.funding import repository as funding_store
from finance.funding import service as funding
from finance.models import EnterpriseFacts, KnownLevelChange, KnownProject
from finance.subsidies import service as subsidies
from readmodels.handlers import enterprise_subscriptions, level_change_subscriptions, project_subscriptions
from servicekit.consumer import Received, Subscription
from servicekit.db import latest_per_key
from servicekit.subscriptions import merged
from servicekit.uow import UnitOfWork


def _facts(p: EnterpriseRegistered | EnterpriseSnapshot) -> dict[str, Any]:
    """What eligibility rules need of an enterprise, beside the shared read model's columns (the same row)."""
    return {
        "key_industry_id": p.key_industry_id,
        "sub_industry": p.sub_industry,
        "size_class": p.size_class,
        "above_scale": p.above_scale,
        "tier": p.current_tier,
        "chain_platforms": list(p.chain_platforms),
    }


async def on_assessment_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    rows = [
        {"assessment_id": p.assessment_id, "uscc": p.uscc, "level": p.level, "finalised_at": p.finalised_at}
        for p in (e.payload for e in events)
    ]
    await facts.add_final_assessments(uow.session, rows)


async def on_level_changed(uow: UnitOfWork, events: list[Received[ProjectLevelChanged]]) -> None:
    """A re-measured project: its unpaid transformation subsidies are withheld if their level conditions
    no longer hold (a second delivery finds them withheld already and changes nothing)."""
    await subsidies.withhold_broken(uow, [e.payload for e in events])


async def on_designation_granted(uow: UnitOfWork, events: list[Received[DesignationGranted]]) -> None:
    rows = [
        {
            "designation_id": p.designation_id,
            "uscc": p.uscc,
            "kind": p.kind.value,
            "designated_at": p.designated_at,
            "revoked_at": None,
            "revoked_reason": None,
        }
        for p in (e.payload for e in events)
    ]
    await facts.add_designations(uow.session, rows)


async def on_designation_revoked(uow: UnitOfWork, events: list[Received[DesignationRevoked]]) -> None:
    """A revoked designation stops counting, and unpaid subsidies that needed it are withheld."""
    revoked = [e.payload for e in events]
    rows = [
        {
            "designation_id": p.designation_id,
            "uscc": p.uscc,
            "kind": p.kind.value,
            "designated_at": p.revoked_at,  # only stored if the grant was never seen
            "revoked_at": p.revoked_at,
            "revoked_reason": p.reason,
        }
        for p in revoked
    ]
    await facts.revoke_designations(uow.session, rows)
    await subsidies.withhold_undesignated(uow, revoked)


async def on_solution_listed(uow: UnitOfWork, events: list[Received[SolutionListed]]) -> None:
    rows = [
        {"solution_id": p.solution_id, "provider_id": p.provider_id, "scenes": sorted(p.scenes), "revision": p.revision}
        for p in (e.payload for e in events)
    ]
    await funding_store.put_solutions(uow.session, latest_per_key(rows, ["solution_id"], "revision"))


async def on_adoption_recorded(uow: UnitOfWork, events: list[Received[AdoptionRecorded]]) -> None:
    """Adoptions are kept; those within a subsidised project are checked for a scene another provider was
    already paid for."""
    adopted = [e.payload for e in events]
    rows = [
        {
            "adoption_id": p.adoption_id,
            "uscc": p.uscc,
            "solution_id": p.solution_id,
            "provider_id": p.provider_id,
            "project_id": p.project_id,
            "adopted_on": p.adopted_on,
        }
        for p in adopted
    ]
    await funding_store.add_adoptions(uow.session, rows)
    await funding.check(uow, usccs={p.uscc for p in adopted if p.project_id is not None})


async def on_standing_changed(uow: UnitOfWork, events: list[Received[Any]]) -> None:
    """Run after the handlers that store an event's facts: the touched enterprises' standings recomputed."""
    await refresh_standings(uow.session, {e.payload.uscc for e in events})


STANDING_EVENTS = (
    ProjectCreated,
    ProjectStageChanged,
    AssessmentFinalised,
    ProjectLevelChanged,
    DesignationGranted,
    DesignationRevoked,
)

SUBSCRIPTIONS = merged(
    enterprise_subscriptions(EnterpriseFacts, own=_facts),
    project_subscriptions(KnownProject),
    level_change_subscriptions(KnownLevelChange),
    [
        Subscription(AssessmentFinalised, on_assessment_finalised, idempotent=True),
        Subscription(ProjectLevelChanged, on_level_changed, idempotent=True),
        Subscription(DesignationGranted, on_designation_granted, idempotent=True),
        Subscription(DesignationRevoked, on_designation_revoked, idempotent=True),
        Subscription(SolutionListed, on_solution_listed, idempotent=True),
        Subscription(AdoptionRecorded, on_adoption_recorded, idempotent=True),
    ],
    [Subscription(event, on_standing_changed, idempotent=True) for event in STANDING_EVENTS],
)
