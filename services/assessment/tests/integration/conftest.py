"""Helpers: an assessment service whose read models already know some enterprises and projects."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from assessment.main import spec
from contracts.api.journey import Stage
from contracts.events.registry import EnterpriseRegistered, ProjectCreated
from devstack.testing import RunningService
from servicekit.consumer import Received

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def received(payload: object) -> Received[object]:
    return Received(id=str(uuid.uuid4()), time=NOW, source="registry", payload=payload)


async def _seed(svc: RunningService, enterprises: dict[str, str], projects: dict[str, str] | None = None) -> None:
    """Feed registry events straight to the service's own handlers: `enterprises` USCC → district,
    `projects` project id → USCC."""
    handlers = {s.event: s.handler for s in spec.subscriptions}
    async with svc.runtime.uow() as uow:
        await handlers[EnterpriseRegistered](
            uow,
            [
                received(
                    EnterpriseRegistered(
                        uscc=u,
                        name="某企业",
                        district_code=d,
                        industry_code="C34",
                        industry_division="C34",
                        registered_at=NOW,
                    )
                )
                for u, d in enterprises.items()
            ],
        )
        await handlers[ProjectCreated](
            uow,
            [
                received(
                    ProjectCreated(
                        project_id=p,
                        uscc=u,
                        district_code=enterprises[u],
                        provider_id="pv_1",
                        stage=Stage.DIAGNOSIS,
                        created_at=NOW,
                    )
                )
                for p, u in (projects or {}).items()
            ],
        )
        await uow.commit()


Seed = Callable[..., Awaitable[None]]


@pytest.fixture
def seed() -> Seed:
    return _seed
