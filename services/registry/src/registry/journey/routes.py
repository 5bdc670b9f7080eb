"""Provider and journey routes."""

from __future__ import annotations

from typing import Annotated

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
from registry.journey import service
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["providers and journey"])
ERRORS = error_responses(401, 403, 404, 409, 422)
OnProjects = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.PROVIDER, Role.ENTERPRISE))
]
ProviderListers = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.OPS, Role.PROVIDER))
]
ProviderReaders = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER))
]
ProjectFilers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.PROVIDER, Role.ENTERPRISE))]


@router.post("/providers", status_code=status.HTTP_201_CREATED, response_model=ProviderRead, responses=ERRORS)
async def register_provider(body: ProviderCreate, uow: Uow, actor: CityActor) -> ProviderRead:
    """Record a provider's application (status applied)."""
    async with uow:
        created = await service.register_provider(uow, actor, body)
        await uow.commit()
    return created


@router.get("/providers", response_model=list[ProviderRead], responses=ERRORS)
async def list_providers(uow: Uow, actor: ProviderListers, status: ProviderStatus | None = None) -> list[ProviderRead]:
    """Providers and their status; a provider sees itself only."""
    async with uow:
        return await service.list_providers(uow, actor, status)


@router.get("/providers/{provider_id}", response_model=ProviderRead, responses=ERRORS)
async def get_provider(provider_id: str, uow: Uow, actor: ProviderReaders) -> ProviderRead:
    async with uow:
        return await service.get_provider(uow, actor, provider_id)


@router.post("/providers/{provider_id}/status", response_model=ProviderRead, responses=ERRORS)
async def change_provider_status(
    provider_id: str, body: ProviderStatusChange, uow: Uow, actor: CityActor
) -> ProviderRead:
    """applied → approved → suspended → approved, always with a reason."""
    async with uow:
        changed = await service.change_provider_status(uow, actor, provider_id, body)
        await uow.commit()
    return changed


@router.post("/projects", status_code=status.HTTP_201_CREATED, response_model=ProjectRead, responses=ERRORS)
async def create_project(body: ProjectCreate, uow: Uow, actor: ProjectFilers) -> ProjectRead:
    """File a transformation project (enterprise + approved provider); it starts in 诊断评估."""
    async with uow:
        created = await service.create_project(uow, actor, body)
        await uow.commit()
    return created


@router.get("/projects", response_model=list[ProjectRead], responses=ERRORS)
async def list_projects(
    uow: Uow,
    actor: OnProjects,
    stage: Stage | None = None,
    stuck_days: float | None = Query(
        None, ge=0, le=36_500, description="only projects in their stage for longer than this (days)"
    ),
    limit: int = Query(100, ge=1, le=1000),
) -> list[ProjectRead]:
    """Projects in your scope, longest in their current stage first (to find stuck ones)."""
    async with uow:
        return await service.list_projects(uow, actor, stage, stuck_days, limit)


@router.get("/projects/{project_id}", response_model=ProjectRead, responses=ERRORS)
async def get_project(project_id: str, uow: Uow, actor: OnProjects) -> ProjectRead:
    async with uow:
        return await service.get_project(uow, actor, project_id)


@router.post("/projects/{project_id}/transitions", response_model=ProjectRead, responses=ERRORS)
async def move_project(project_id: str, body: TransitionCreate, uow: Uow, actor: OnProjects) -> ProjectRead:
    """Move the project to its next stage, with evidence metadata; who may depends on the stage."""
    async with uow:
        moved = await service.move_project(uow, actor, project_id, body)
        await uow.commit()
    return moved


@router.get("/projects/{project_id}/transitions", response_model=list[TransitionRead], responses=ERRORS)
async def project_history(project_id: str, uow: Uow, actor: OnProjects) -> list[TransitionRead]:
    async with uow:
        return await service.project_history(uow, actor, project_id)
