"""Registry: enterprises (keyed by USCC), providers, districts and the transformation journey."""

from pathlib import Path

from fastapi import FastAPI

from contracts.topics import ACTIVITIES, CLIENTS, ENTERPRISES, PROJECTS, PROVIDERS
from registry.activities.routes import router as activity_router
from registry.config import RegistrySettings
from registry.enterprises.routes import router
from registry.identity.routes import clients_router, token_router
from registry.identity.service import TokenGuard, bootstrap_admin, load_signer
from registry.journey.routes import router as journey_router
from registry.models import metadata, tables
from registry.push.routes import router as push_router
from registry.transfer.cli import import_command
from registry.transfer.isolation import ImportReaders
from registry.transfer.routes import router as transfer_router
from servicekit.app import ServiceSpec, create_app
from servicekit.ratelimit import RateLimit
from servicekit.writerpool import WriterPool


def _bootstrap_admin(settings: RegistrySettings, args: list[str]) -> int:
    return bootstrap_admin(settings)


def _load_signer(app: FastAPI, settings: RegistrySettings) -> None:
    app.state.signer = load_signer(settings)
    app.state.token_guard = TokenGuard.from_settings(settings)
    app.state.push_limit = RateLimit(settings.push_batches_per_minute, settings.push_burst)
    app.state.import_readers = ImportReaders(
        memory_mb=settings.import_memory_mb, seconds=settings.import_seconds, concurrency=settings.import_concurrency
    )
    app.state.push_writers = None
    if settings.push_workers:
        app.state.push_writers = WriterPool(settings, "registry.models:tables", settings.push_workers)
        app.state.push_writers.start()


async def _stop_readers(app: FastAPI) -> None:
    await app.state.import_readers.close()
    if app.state.push_writers is not None:
        await app.state.push_writers.close()


spec = ServiceSpec(
    name="registry",
    title="shuzhuan registry",
    description="Enterprises keyed by 统一社会信用代码, district units and the code tables.",
    settings_cls=RegistrySettings,
    metadata=metadata,
    tables=tables,
    migrations_dir=Path(__file__).resolve().parents[2] / "migrations",
    routers=[transfer_router, router, clients_router, journey_router, activity_router, push_router],
    public_routers=[token_router],
    produces=[ENTERPRISES, PROVIDERS, PROJECTS, ACTIVITIES, CLIENTS],
    commands={
        "bootstrap-admin": ("create the first city-admin client; credentials in var/", _bootstrap_admin),
        "import": ("import an enterprise list (CSV or XLSX) with a progress bar; --help for options", import_command),
    },
    startup=_load_signer,
    shutdown=_stop_readers,
    upload_paths=("/v1/enterprises/imports", "/v1/push/"),
    issues_tokens=True,
)


def app() -> FastAPI:
    """Factory for `uvicorn --factory registry.main:app`."""
    return create_app(spec)
