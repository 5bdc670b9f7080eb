"""Scheme routes: what schemes exist, each version's full content, publishing a corrected version."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel

from assessment.schemes import service as scheme_store
from assessment.schemes.builtin import AnyScheme
from contracts.api.evaluations import EvaluationScheme
from contracts.api.identity import Role, TokenClaims
from contracts.api.schemes import Scheme
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.http import error_responses
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1/schemes", tags=["schemes"])
ERRORS = error_responses(401, 403, 404, 409, 422)
ANY = allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.PROVIDER, Role.OPS)


class SchemeVersion(BaseModel):
    scheme_id: str
    version: int
    kind: str
    title: str
    source: str


@router.get("", response_model=list[SchemeVersion], responses=ERRORS)
async def list_schemes(uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(ANY)) -> list[SchemeVersion]:
    """Every scheme version (shipped and published)."""
    async with uow:
        return [SchemeVersion.model_validate(s.model_dump()) for s in await scheme_store.all_schemes(uow.session)]


@router.get("/{scheme_id}/versions/{version}", response_model=AnyScheme, responses=ERRORS)
async def get_scheme(
    scheme_id: str, version: int, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(ANY)
) -> Scheme | EvaluationScheme:
    """One version in full: items, options and points, derivations, scenes, level rules."""
    async with uow:
        return await scheme_store.find_scheme(uow.session, scheme_id, version)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AnyScheme, responses=ERRORS)
async def publish_scheme(
    body: AnyScheme, uow: UnitOfWork = Depends(get_uow), actor: TokenClaims = Depends(allow(Role.CITY))
) -> Scheme | EvaluationScheme:
    """Publish the next version of a scheme (a corrected rule table, say). New assessments use it;
    stored ones keep the version they were scored with and can be rescored on it."""
    async with uow:
        await scheme_store.publish(uow.session, actor, body)
        uow.audit(actor, "scheme.publish", f"{body.scheme_id}@{body.version}", {"title": body.title})
        await uow.commit()
    return body
