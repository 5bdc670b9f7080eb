"""The project read model stays right when events come twice, late or out of order (real databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assessment.main import spec
from assessment.models import KnownProject
from contracts.api.journey import STAGES, Stage
from contracts.envelope import Event
from contracts.events.registry import ProjectCreated, ProjectStageChanged
from devstack.broker import Broker
from testkit.databases import DbFactory
from testkit.services import running_service

pytestmark = [pytest.mark.broker]

T0 = datetime(2026, 3, 1, tzinfo=UTC)
USCC = "91350100M000100Y43"


def created() -> ProjectCreated:
    return ProjectCreated(
        project_id="pj_1", uscc=USCC, district_code="500103", provider_id="pv_1", stage=Stage.DIAGNOSIS, created_at=T0
    )


def moved(seq: int) -> ProjectStageChanged:
    return ProjectStageChanged(
        project_id="pj_1",
        uscc=USCC,
        district_code="500103",
        seq=seq,
        from_stage=STAGES[seq - 2],
        to_stage=STAGES[seq - 1],
        at=T0 + timedelta(days=seq),
        actor_role="city",
        days_in_previous_stage=1.0,
    )


async def test_redelivered_and_reordered_events(broker: Broker, make_db: DbFactory, db_kind: str) -> None:
    async with running_service(spec, broker, await make_db(db_kind)) as svc:
        feed: list[list[Event]] = [
            [moved(3)],  # seen before its creation (a rebuild from a partial log)
            [created(), created()],  # twice
            [moved(2), moved(4), moved(3)],  # late and repeated
        ]
        for batch in feed:  # one transaction each
            await svc.deliver(spec, *batch)
        async with svc.runtime.sessions() as s:
            row = (await s.execute(select(KnownProject))).scalar_one()
        assert (row.stage, row.seq, row.provider_id) == ("implementation", 4, "pv_1")
        assert (row.created_at, row.stage_entered_at) == (T0, T0 + timedelta(days=4))
