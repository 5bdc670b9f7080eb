"""Finance: loans, subsidies and consented eligibility queries for banks."""

from pathlib import Path

from fastapi import FastAPI

from finance.config import FinanceSettings
from finance.handlers import SUBSCRIPTIONS
from finance.models import known_enterprises, known_projects, level_changes, metadata, tables
from readmodels.enterprises import enterprise_router
from readmodels.levels import level_change_router
from readmodels.projects import project_router
from servicekit.app import ServiceSpec, create_app

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
    routers=[enterprise_router(known_enterprises), project_router(known_projects), level_change_router(level_changes)],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[known_enterprises, known_projects, level_changes],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory finance.main:app`."""
    return create_app(spec)
