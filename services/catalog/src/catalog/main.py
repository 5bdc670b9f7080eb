"""Catalog: the 小快轻准 solution catalogue and the supply-demand matching library."""

from pathlib import Path

from fastapi import FastAPI

from catalog.adoptions.routes import router as adoptions_router
from catalog.complaints.routes import router as complaints_router
from catalog.config import CatalogSettings
from catalog.demands.routes import router as demands_router
from catalog.handlers import SUBSCRIPTIONS
from catalog.matching.routes import FAST_ROUTES
from catalog.matching.routes import router as matching_router
from catalog.models import (
    EnterpriseProfile,
    KnownProject,
    KnownProvider,
    LatestAssessment,
    metadata,
    tables,
)
from catalog.providers.routes import router as providers_router
from catalog.search.routes import router as search_router
from catalog.solutions.routes import router as solutions_router
from catalog.supply.routes import router as supply_router
from contracts.topics import ADOPTIONS, DEMANDS, SOLUTIONS
from readmodels.routes import enterprise_router, project_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of

spec = ServiceSpec(
    name="catalog",
    title="shuzhuan catalog",
    description=(
        "The 小快轻准 solution catalogue: listing workflow, search, demands, matching, the supply-demand view, "
        "adoptions with verified outcomes, and provider ratings."
    ),
    settings_cls=CatalogSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[
        search_router,
        solutions_router,
        demands_router,
        matching_router,
        supply_router,
        adoptions_router,
        complaints_router,
        providers_router,
        enterprise_router(EnterpriseProfile),
        project_router(KnownProject),
    ],
    subscriptions=SUBSCRIPTIONS,
    produces=[SOLUTIONS, DEMANDS, ADOPTIONS],
    fast_routes=FAST_ROUTES,
    read_model_tables=[table_of(m) for m in (KnownProject, EnterpriseProfile, KnownProvider, LatestAssessment)],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory catalog.main:app`."""
    return create_app(spec)
