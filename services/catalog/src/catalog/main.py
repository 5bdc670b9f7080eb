"""Catalog: the 小快轻准 solution catalogue and the supply-demand matching library."""

from pathlib import Path

from fastapi import FastAPI

from catalog.config import CatalogSettings
from catalog.handlers import SUBSCRIPTIONS
from catalog.models import KnownEnterprise, metadata, tables
from readmodels.routes import enterprise_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of

spec = ServiceSpec(
    name="catalog",
    title="shuzhuan catalog",
    description="The 小快轻准 solution catalogue and supply-demand matching; keeps an enterprise read model.",
    settings_cls=CatalogSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[enterprise_router(KnownEnterprise)],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[table_of(KnownEnterprise)],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory catalog.main:app`."""
    return create_app(spec)
