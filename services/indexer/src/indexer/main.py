"""Indexer: the development index, district rankings, target tracking, the city feed, reports."""

from pathlib import Path

from fastapi import FastAPI

from indexer.config import IndexerSettings
from indexer.handlers import SUBSCRIPTIONS
from indexer.models import (
    ActivityTotal,
    EnterpriseCount,
    EnterpriseLevel,
    KnownLevelChange,
    ProjectStageCount,
    metadata,
    tables,
)
from indexer.routes import router
from readmodels.routes import level_change_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of

spec = ServiceSpec(
    name="indexer",
    title="shuzhuan indexer",
    description="Aggregates the programme: enterprises, activities, projects and digital levels per district unit.",
    settings_cls=IndexerSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[router, level_change_router(KnownLevelChange)],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[
        table_of(m) for m in (EnterpriseCount, ActivityTotal, ProjectStageCount, EnterpriseLevel, KnownLevelChange)
    ],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory indexer.main:app`."""
    return create_app(spec)
