"""Events the indexer consumes: each handler turns a batch into counter increments or rows and writes
them with one set-based statement per table."""

from __future__ import annotations

from contracts.events.assessment import AssessmentFinalised
from contracts.events.registry import (
    ActivityRecorded,
    ProjectCreated,
    ProjectStageChanged,
)
from indexer.facts.handlers import SUBSCRIPTIONS as FACT_SUBSCRIPTIONS
from indexer.models import KnownLevelChange
from indexer.stats import repository
from indexer.stats.programme_rules import activity_increments, stage_increments
from readmodels.handlers import level_change_subscriptions
from servicekit.consumer import Received, Subscription
from servicekit.subscriptions import merged
from servicekit.uow import UnitOfWork


async def on_activity_recorded(uow: UnitOfWork, events: list[Received[ActivityRecorded]]) -> None:
    rows = activity_increments(
        (
            e.payload.held_on.year,
            e.payload.district_code,
            e.payload.kind,
            e.payload.enterprises_served,
            e.payload.participants,
        )
        for e in events
    )
    await repository.add_activity(uow.session, rows)


async def on_project_created(uow: UnitOfWork, events: list[Received[ProjectCreated]]) -> None:
    moves = [(e.payload.district_code, None, e.payload.stage.value) for e in events]
    await repository.add_stages(uow.session, stage_increments(moves))


async def on_project_stage_changed(uow: UnitOfWork, events: list[Received[ProjectStageChanged]]) -> None:
    moves = [(e.payload.district_code, e.payload.from_stage.value, e.payload.to_stage.value) for e in events]
    await repository.add_stages(uow.session, stage_increments(moves))


async def on_assessment_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    """Keep each enterprise's latest final level."""
    rows = [
        {
            "uscc": p.uscc,
            "district_code": p.district_code,
            "level": p.level,
            "assessment_id": p.assessment_id,
            "finalised_at": p.finalised_at,
        }
        for p in (e.payload for e in events)
    ]
    await repository.put_levels(uow.session, rows)


COUNT_SUBSCRIPTIONS = [
    Subscription(AssessmentFinalised, on_assessment_finalised, idempotent=True),  # newest finalisation wins
    *level_change_subscriptions(KnownLevelChange),
    Subscription(ActivityRecorded, on_activity_recorded),
    Subscription(ProjectCreated, on_project_created),
    Subscription(ProjectStageChanged, on_project_stage_changed),
]

SUBSCRIPTIONS = merged(COUNT_SUBSCRIPTIONS, FACT_SUBSCRIPTIONS)
