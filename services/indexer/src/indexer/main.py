"""Indexer: the development index, district rankings, target tracking, the city feed, reports."""

from pathlib import Path

from fastapi import FastAPI

from indexer.config import IndexerSettings
from indexer.handlers import SUBSCRIPTIONS
from indexer.models import (
    activity_totals,
    enterprise_counts,
    enterprise_levels,
    level_changes,
    metadata,
    project_stage_counts,
    tables,
)
from indexer.routes import router
from readmodels.levels import level_change_router
from servicekit.app import ServiceSpec, create_app

spec = ServiceSpec(
    name="indexer",
    title="shuzhuan indexer",
    description="Aggregates the programme: enterprises, activities, projects and digital levels per district unit.",
    settings_cls=IndexerSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[router, level_change_router(level_changes)],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[enterprise_counts, activity_totals, project_stage_counts, enterprise_levels, level_changes],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory indexer.main:app`."""
    return create_app(spec)
