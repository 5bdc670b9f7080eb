"""Registry: enterprises (keyed by USCC), providers, districts and the transformation journey."""

from pathlib import Path

from fastapi import FastAPI

from contracts.topics import ENTERPRISES
from registry.config import RegistrySettings
from registry.models import metadata, tables
from registry.routes import router
from servicekit.app import ServiceSpec, create_app

spec = ServiceSpec(
    name="registry",
    title="shuzhuan registry",
    description="Enterprises keyed by 统一社会信用代码, district units and the code tables.",
    settings_cls=RegistrySettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[router],
    produces=[ENTERPRISES],
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory registry.main:app`."""
    return create_app(spec)
