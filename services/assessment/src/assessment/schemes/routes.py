"""Scheme routes: what schemes exist, each version's full content, publishing a corrected version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from assessment.schemes import service
from assessment.schemes.builtin import AnyScheme
from contracts.api.evaluations import EvaluationScheme
from contracts.api.identity import Role, TokenClaims
from contracts.api.schemes import Scheme, SchemeVersion
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1/schemes", tags=["schemes"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Anyone = Annotated[
    TokenClaims,
    Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER, Role.OPS)),
]


@router.get("", response_model=list[SchemeVersion], responses=ERRORS)
async def list_schemes(uow: Uow, actor: Anyone) -> list[SchemeVersion]:
    """Every scheme version (shipped and published)."""
    async with uow:
        return await service.versions(uow)


@router.get("/{scheme_id}/versions/{version}", response_model=AnyScheme, responses=ERRORS)
async def get_scheme(scheme_id: str, version: int, uow: Uow, actor: Anyone) -> Scheme | EvaluationScheme:
    """One version in full: items, options and points, derivations, scenes, level rules."""
    async with uow:
        return await service.find_scheme(uow, scheme_id, version)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AnyScheme, responses=ERRORS)
async def publish_scheme(body: AnyScheme, uow: Uow, actor: CityActor) -> Scheme | EvaluationScheme:
    """Publish the next version of a scheme (a corrected rule table, say). New assessments use it;
    stored ones keep the version they were scored with and can be rescored on it."""
    async with uow:
        await service.publish(uow, actor, body)
        await uow.commit()
    return body
