"""Assessment: digital-level assessment, 小灯塔 and benchmark evaluations."""

from pathlib import Path

from fastapi import FastAPI

from assessment.config import AssessmentSettings
from assessment.handlers import SUBSCRIPTIONS
from assessment.models import known_enterprises, metadata, tables
from readmodels.enterprises import enterprise_router
from servicekit.app import ServiceSpec, create_app

spec = ServiceSpec(
    name="assessment",
    title="shuzhuan assessment",
    description=(
        "Digital-level assessment (MIIT 2024 scheme), 小灯塔 and benchmark evaluations; keeps an enterprise read model."
    ),
    settings_cls=AssessmentSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[enterprise_router(known_enterprises)],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[known_enterprises],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory assessment.main:app`."""
    return create_app(spec)
