"""Indexer: the development index, district rankings, target tracking, the city feed, reports."""

import asyncio
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from contracts.topics import CITY_FEED
from indexer.config import IndexerSettings
from indexer.dashboard.routes import mount_static
from indexer.dashboard.routes import router as dashboard_router
from indexer.devindex.routes import router as index_router
from indexer.facts.routes import router as aggregates_router
from indexer.facts.service import recount_database
from indexer.handlers import SUBSCRIPTIONS
from indexer.models import (
    ActivityTotal,
    AggregateCell,
    EnterpriseCount,
    EnterpriseFact,
    EnterpriseLevel,
    KnownLevelChange,
    KnownProvider,
    KnownSolution,
    ProgrammeCounter,
    ProjectStageCount,
    metadata,
    tables,
)
from indexer.pilot.routes import router as pilot_router
from indexer.reports.routes import router as reports_router
from indexer.stats.routes import router
from indexer.targets.routes import router as targets_router
from readmodels.routes import level_change_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of


def recount_command(settings: Any, args: list[str]) -> int:
    """`python -m indexer recount`: the aggregates and enterprise counters counted again from the facts; exit 1 if
    any differed."""
    r = asyncio.run(recount_database(spec, settings))
    print(f"indexer: {r['cells']} cells recounted, {r['differing']} differed from the kept ones")
    print(f"indexer: {r['counters']} enterprise counters recounted, {r['counters_differing']} differed")
    return 1 if r["differing"] or r["counters_differing"] else 0


spec = ServiceSpec(
    name="indexer",
    title="shuzhuan indexer",
    description="Aggregates the programme: enterprises, activities, projects and digital levels per district unit.",
    settings_cls=IndexerSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[
        router,
        aggregates_router,
        targets_router,
        pilot_router,
        index_router,
        reports_router,
        level_change_router(KnownLevelChange),
    ],
    subscriptions=SUBSCRIPTIONS,
    public_routers=[dashboard_router],  # the page holds no data; its data calls carry the token
    produces=[CITY_FEED],
    startup=lambda app, _settings: mount_static(app),
    read_model_tables=[
        table_of(m)
        for m in (
            EnterpriseCount,
            ActivityTotal,
            ProjectStageCount,
            EnterpriseLevel,
            KnownLevelChange,
            EnterpriseFact,
            AggregateCell,
            ProgrammeCounter,
            KnownSolution,
            KnownProvider,
        )
    ],
    commands={"recount": ("count the aggregates again from the facts and report differences", recount_command)},
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory indexer.main:app`."""
    return create_app(spec)
