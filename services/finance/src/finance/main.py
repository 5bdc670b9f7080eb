"""Finance: loans, subsidies and consented eligibility queries for banks."""

from pathlib import Path

from fastapi import FastAPI

from contracts.topics import CONSENTS, LOANS, SUBSIDIES
from finance.config import FinanceSettings
from finance.consents.routes import router as consents_router
from finance.eligibility.routes import FAST_ROUTES, close_query_log
from finance.eligibility.routes import router as eligibility_router
from finance.handlers import SUBSCRIPTIONS
from finance.interest.routes import router as interest_router
from finance.loans.routes import router as loans_router
from finance.models import (
    EnterpriseFacts,
    FinalAssessment,
    KnownLevelChange,
    KnownProject,
    metadata,
    tables,
)
from finance.products.routes import router as products_router
from finance.subsidies.routes import router as subsidies_router
from readmodels.routes import enterprise_router, level_change_router, project_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of
from servicekit.ratelimit import RateLimit
from servicekit.settings import ServiceSettings


def _limits(app: FastAPI, settings: ServiceSettings) -> None:
    assert isinstance(settings, FinanceSettings)
    app.state.eligibility_limit = RateLimit(settings.eligibility_queries_per_minute, settings.eligibility_burst)


spec = ServiceSpec(
    name="finance",
    title="shuzhuan finance",
    description=(
        "渝链贷 and special loans, interest subsidies, consented eligibility queries; "
        "keeps enterprise and project read models."
    ),
    settings_cls=FinanceSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[
        products_router,
        consents_router,
        eligibility_router,
        loans_router,
        interest_router,
        subsidies_router,
        enterprise_router(EnterpriseFacts),
        project_router(KnownProject),
        level_change_router(KnownLevelChange),
    ],
    subscriptions=SUBSCRIPTIONS,
    produces=[CONSENTS, LOANS, SUBSIDIES],
    upload_paths=["/v1/repayment-files"],
    startup=_limits,
    fast_routes=FAST_ROUTES,
    shutdown=close_query_log,
    read_model_tables=[table_of(m) for m in (KnownProject, KnownLevelChange, EnterpriseFacts, FinalAssessment)],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory finance.main:app`."""
    return create_app(spec)
