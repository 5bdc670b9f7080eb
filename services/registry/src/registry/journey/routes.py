"""Provider and journey routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, status

from contracts.api.identity import Role, TokenClaims
from contracts.api.journey import (
    ProjectCreate,
    ProjectRead,
    ProviderCreate,
    ProviderRead,
    ProviderStatus,
    ProviderStatusChange,
    Stage,
    TransitionCreate,
    TransitionRead,
)
from registry.journey import repository as repo
from registry.journey import service as journey
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.errors import Forbidden
from servicekit.http import error_responses
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1", tags=["providers and journey"])
ERRORS = error_responses(401, 403, 404, 409, 422)
EVERYONE_ON_PROJECTS = allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.PROVIDER, Role.ENTERPRISE)


@router.post("/providers", status_code=status.HTTP_201_CREATED, response_model=ProviderRead, responses=ERRORS)
async def register_provider(
    body: ProviderCreate, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(allow(Role.CITY))
) -> ProviderRead:
    """Record a provider's application (status applied)."""
    async with uow:
        created = await journey.register_provider(uow, actor, body)
        await uow.commit()
    return created


@router.get("/providers", response_model=list[ProviderRead], responses=ERRORS)
async def list_providers(
    status: ProviderStatus | None = None,
    uow: UnitOfWork = Depends(get_uow),
    _: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.OPS)),
) -> list[ProviderRead]:
    async with uow:
        return [ProviderRead.model_validate(p) for p in await repo.list_providers(uow.session, status)]


@router.get("/providers/{provider_id}", response_model=ProviderRead, responses=ERRORS)
async def get_provider(
    provider_id: str,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER)),
) -> ProviderRead:
    if actor.role == Role.PROVIDER and actor.provider_id != provider_id:
        raise Forbidden("a provider sees only its own profile here")
    async with uow:
        return ProviderRead.model_validate(await journey.load_provider(uow, provider_id))


@router.post("/providers/{provider_id}/status", response_model=ProviderRead, responses=ERRORS)
async def change_provider_status(
    provider_id: str,
    body: ProviderStatusChange,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY)),
) -> ProviderRead:
    """applied → approved → suspended → approved, always with a reason."""
    async with uow:
        changed = await journey.change_provider_status(uow, actor, provider_id, body)
        await uow.commit()
    return changed


@router.post("/projects", status_code=status.HTTP_201_CREATED, response_model=ProjectRead, responses=ERRORS)
async def create_project(
    body: ProjectCreate,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER, Role.ENTERPRISE)),
) -> ProjectRead:
    """File a transformation project (enterprise + approved provider); it starts in 诊断评估."""
    async with uow:
        created = await journey.create_project(uow, actor, body)
        await uow.commit()
    return created


@router.get("/projects", response_model=list[ProjectRead], responses=ERRORS)
async def list_projects(
    stage: Stage | None = None,
    stuck_days: float | None = Query(None, ge=0, description="only projects in their stage for longer than this"),
    limit: int = Query(100, ge=1, le=1000),
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(EVERYONE_ON_PROJECTS),
) -> list[ProjectRead]:
    """Projects in your scope, longest in their current stage first (to find stuck ones)."""
    async with uow:
        return await journey.list_projects(uow, actor, stage, stuck_days, limit)


@router.get("/projects/{project_id}", response_model=ProjectRead, responses=ERRORS)
async def get_project(
    project_id: str, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(EVERYONE_ON_PROJECTS)
) -> ProjectRead:
    async with uow:
        return journey.to_project(await journey.load_project(uow, actor, project_id))


@router.post("/projects/{project_id}/transitions", response_model=ProjectRead, responses=ERRORS)
async def move_project(
    project_id: str,
    body: TransitionCreate,
    uow: UnitOfWork = Depends(get_uow),
    actor: TokenClaims = Depends(EVERYONE_ON_PROJECTS),
) -> ProjectRead:
    """Move the project to its next stage, with evidence metadata; who may depends on the stage."""
    async with uow:
        moved = await journey.move_project(uow, actor, project_id, body)
        await uow.commit()
    return moved


@router.get("/projects/{project_id}/transitions", response_model=list[TransitionRead], responses=ERRORS)
async def project_history(
    project_id: str, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(EVERYONE_ON_PROJECTS)
) -> list[TransitionRead]:
    async with uow:
        return await journey.project_history(uow, actor, project_id)
