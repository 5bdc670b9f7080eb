"""Enterprise standings: the one row a bank's query reads, kept by the consumers from four tables, and the
migration that fills it from data already there gives the same rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from contracts.api.evaluations import DesignationKind
from contracts.api.journey import STAGES, Stage
from finance.facts.standing_repository import refresh_standings
from finance.main import spec
from finance.models import Designation, EnterpriseStanding, FinalAssessment, KnownLevelChange, KnownProject
from servicekit.bulk import insert_rows
from servicekit.db import make_engine, sessionmaker
from servicekit.migrations import upgrade_async
from testkit.databases import DbFactory, MigratedDbFactory
from testkit.finance import (
    NOW,
    OTHER,
    USCC,
    designated,
    finalised,
    level_changed,
    project_at,
    registered,
    revocation,
    tell,
)
from testkit.services import RunningService, service_under_test


async def standings(svc: RunningService) -> dict[str, dict[str, Any]]:
    async with svc.runtime.engine.connect() as conn:
        rows = (await conn.execute(select(EnterpriseStanding))).mappings().all()
    return {r["uscc"]: dict(r) for r in rows}


async def test_standings_follow_every_event_that_changes_them(migrated_db: MigratedDbFactory, db_kind: str) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        lighthouse, benchmark = (
            designated(DesignationKind.LIGHTHOUSE, "dg_1"),
            designated(DesignationKind.BENCHMARK, "dg_2"),
        )
        later = finalised(2, assessment_id="as_t1").model_copy(update={"finalised_at": NOW + timedelta(days=30)})
        await tell(svc, registered(), *project_at(Stage.DESIGN), later, lighthouse, benchmark)
        await tell(svc, finalised(1), revocation(benchmark))  # an older assessment delivered late: not the latest
        await tell(svc, *project_at(Stage.STRATEGY, project_id="pj_2"), level_changed(1, 2))
        assert await standings(svc) == {
            USCC: {
                "uscc": USCC,
                "projects": 2,
                "furthest": STAGES.index(Stage.DESIGN),
                "final_level": 2,
                "t0_level": 1,
                "t1_level": 2,
                "level_delta": 1,
                "lighthouse": True,
                "benchmark": False,
            }
        }
        await tell(svc, registered(OTHER))  # facts alone make no standing: the query reads none as "nothing yet"
        assert set(await standings(svc)) == {USCC}


async def test_the_migration_fills_standings_as_the_consumers_would(make_db: DbFactory, db_kind: str) -> None:
    """Data stored before the standings existed: the migration's fill equals what the consumers compute."""
    url = await make_db(db_kind)
    await upgrade_async(spec.migrations_dir, url, "0010")
    later = NOW + timedelta(days=1)
    rows: dict[Any, list[dict[str, Any]]] = {
        KnownProject: [
            {
                "project_id": f"pj_{i}",
                "uscc": uscc,
                "district_code": "500103",
                "provider_id": "pv_1",
                "stage": stage.value,
                "seq": 1,
                "stage_entered_at": NOW,
                "created_at": NOW,
            }
            for i, (uscc, stage) in enumerate([(USCC, Stage.DESIGN), (USCC, Stage.POLICY), (OTHER, Stage.DIAGNOSIS)])
        ],
        FinalAssessment: [
            {"assessment_id": "as_1", "uscc": USCC, "level": 1, "finalised_at": NOW},
            {"assessment_id": "as_2", "uscc": USCC, "level": 3, "finalised_at": later},
        ],
        KnownLevelChange: [level_changed(0, 2, uscc=OTHER).model_dump(include=set(KnownLevelChange.model_fields))],
        Designation: [
            {
                "designation_id": "dg_1",
                "uscc": OTHER,
                "kind": "lighthouse",
                "designated_at": NOW,
                "revoked_at": None,
                "revoked_reason": None,
            },
            {
                "designation_id": "dg_2",
                "uscc": USCC,
                "kind": "benchmark",
                "designated_at": NOW,
                "revoked_at": later,
                "revoked_reason": "复核不合格",
            },
        ],
    }
    engine = make_engine(url)
    try:
        async with sessionmaker(engine)() as session:
            for model, batch in rows.items():
                await insert_rows(session, model, batch)
            await session.commit()
        await upgrade_async(spec.migrations_dir, url)

        async def stored() -> list[dict[str, Any]]:
            async with engine.connect() as conn:
                query = select(EnterpriseStanding).order_by(EnterpriseStanding.uscc)
                return [dict(r) for r in (await conn.execute(query)).mappings().all()]

        filled = await stored()
        assert [(s["uscc"], s["projects"], s["final_level"], s["lighthouse"]) for s in filled] == sorted(
            [(USCC, 2, 3, False), (OTHER, 1, None, True)]
        )
        async with sessionmaker(engine)() as session:
            await refresh_standings(session, [USCC, OTHER])
            await session.commit()
        assert await stored() == filled
    finally:
        await engine.dispose()
