"""Keep read models in step with other services' events: each handler turns a batch of events into rows
and writes them with one set-based statement (see repository.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from contracts.events.assessment import ProjectLevelChanged
from contracts.events.registry import (
    EnterpriseRegistered,
    EnterpriseSnapshot,
    EnterpriseUpdated,
    ProjectCreated,
    ProjectStageChanged,
)
from readmodels import repository
from servicekit.consumer import Received, Subscription
from servicekit.uow import UnitOfWork

Profile = EnterpriseRegistered | EnterpriseSnapshot
OwnColumns = Callable[[Profile], dict[str, Any]]


def _no_columns(profile: Profile) -> dict[str, Any]:
    return {}


def enterprise_subscriptions(model: Any, own: OwnColumns = _no_columns) -> list[Subscription]:
    """Keep `model` (a table with KnownEnterpriseFields) in step with the registry's enterprise events.

    `own` gives the service's own columns of the same row from the enterprise's profile (the registration, or
    an update's snapshot): a service keeps one table per enterprise. A second table keyed by USCC cost 12–18 µs
    per registration at a million enterprises (random keys; bench/apply_at_scale.py, docs/scaling.md)."""

    async def on_enterprise_registered(uow: UnitOfWork, events: list[Received[EnterpriseRegistered]]) -> None:
        rows = [
            {
                "uscc": p.uscc,
                "name": p.name,
                "district_code": p.district_code,
                "industry_division": p.industry_division,
                "registered_at": p.registered_at,
                "version": 1,
                **own(p),
            }
            for p in (e.payload for e in events)
        ]
        await repository.add_enterprises(uow.session, model, rows)

    async def on_enterprise_updated(uow: UnitOfWork, events: list[Received[EnterpriseUpdated]]) -> None:
        rows = [
            {
                "uscc": u.uscc,
                "name": p.name,
                "district_code": p.district_code,
                "industry_division": p.industry_division,
                "registered_at": u.updated_at,  # only if its registration was never seen
                "version": u.version,
                **own(p),
            }
            for u, p in ((e.payload, e.payload.profile) for e in events)
        ]
        await repository.update_enterprises(uow.session, model, rows)

    return [
        Subscription(EnterpriseRegistered, on_enterprise_registered, idempotent=True),
        Subscription(EnterpriseUpdated, on_enterprise_updated, idempotent=True),
    ]


def project_subscriptions(model: Any) -> list[Subscription]:
    """Keep `model` (a table with KnownProjectFields) in step with the registry's project events. Each
    event carries the project's transition number (`seq`), and only a later one moves a row on, so
    redelivered, replayed or reordered events leave the same state."""

    async def on_created(uow: UnitOfWork, events: list[Received[ProjectCreated]]) -> None:
        rows = [
            {
                "project_id": p.project_id,
                "uscc": p.uscc,
                "district_code": p.district_code,
                "provider_id": p.provider_id,
                "stage": p.stage.value,
                "seq": 1,
                "stage_entered_at": p.created_at,
                "created_at": p.created_at,
            }
            for p in (e.payload for e in events)
        ]
        await repository.add_projects(uow.session, model, rows)

    async def on_stage_changed(uow: UnitOfWork, events: list[Received[ProjectStageChanged]]) -> None:
        rows = [
            {
                "project_id": p.project_id,
                "uscc": p.uscc,
                "district_code": p.district_code,
                "provider_id": None,  # a placeholder until the creation is seen (a rebuild from a partial log)
                "stage": p.to_stage.value,
                "seq": p.seq,
                "stage_entered_at": p.at,
                "created_at": None,
            }
            for p in (e.payload for e in events)
        ]
        await repository.move_projects(uow.session, model, rows)

    return [
        Subscription(ProjectCreated, on_created, idempotent=True),
        Subscription(ProjectStageChanged, on_stage_changed, idempotent=True),
    ]


def level_change_subscriptions(model: Any) -> list[Subscription]:
    """Keep `model` (a table with KnownLevelChangeFields): the latest measurement per project."""
    columns = set(model.model_fields)

    async def on_level_changed(uow: UnitOfWork, events: list[Received[ProjectLevelChanged]]) -> None:
        rows = [e.payload.model_dump(include=columns) for e in events]
        await repository.put_level_changes(uow.session, model, rows)

    return [Subscription(ProjectLevelChanged, on_level_changed, idempotent=True)]
