"""Assessment: digital-level assessment, 小灯塔 and benchmark evaluations."""

from pathlib import Path

from fastapi import FastAPI

from assessment.assessments.routes import router as assessment_router
from assessment.config import AssessmentSettings
from assessment.evaluations.routes import router as evaluation_router
from assessment.handlers import SUBSCRIPTIONS
from assessment.models import KnownEnterprise, KnownProject, metadata, tables
from assessment.schemes.routes import router as scheme_router
from contracts.topics import ASSESSMENTS
from readmodels.routes import enterprise_router, project_router
from servicekit.app import ServiceSpec, create_app
from servicekit.db import table_of

spec = ServiceSpec(
    name="assessment",
    title="shuzhuan assessment",
    description=(
        "Digital-level assessment (MIIT 2024 scheme), 小灯塔 and benchmark evaluations; "
        "keeps enterprise and project read models."
    ),
    settings_cls=AssessmentSettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[
        assessment_router,
        scheme_router,
        evaluation_router,
        enterprise_router(KnownEnterprise),
        project_router(KnownProject),
    ],
    produces=[ASSESSMENTS],
    subscriptions=SUBSCRIPTIONS,
    read_model_tables=[table_of(KnownEnterprise), table_of(KnownProject)],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory assessment.main:app`."""
    return create_app(spec)
