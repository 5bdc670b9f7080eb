"""An assessment service whose read models already know some enterprises and projects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from assessment.main import spec
from contracts.api.journey import Stage
from contracts.events.registry import EnterpriseRegistered, ProjectCreated
from testkit.services import RunningService

NOW = datetime(2026, 5, 1, tzinfo=UTC)


async def _seed(svc: RunningService, enterprises: dict[str, str], projects: dict[str, str] | None = None) -> None:
    """`enterprises` USCC → district, `projects` project id → USCC, as if the registry had told it."""
    registered = [
        EnterpriseRegistered(
            uscc=u, name="某企业", district_code=d, industry_code="C34", industry_division="C34", registered_at=NOW
        )
        for u, d in enterprises.items()
    ]
    filed = [
        ProjectCreated(
            project_id=p,
            uscc=u,
            district_code=enterprises[u],
            provider_id="pv_1",
            stage=Stage.DIAGNOSIS,
            created_at=NOW,
        )
        for p, u in (projects or {}).items()
    ]
    await svc.deliver(spec, *registered, *filed)


Seed = Callable[..., Awaitable[None]]


@pytest.fixture
def seed() -> Seed:
    return _seed
