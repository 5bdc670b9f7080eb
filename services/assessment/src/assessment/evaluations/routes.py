"""Routes of the 小灯塔 and benchmark evaluations and the designations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from assessment.evaluations import service as svc
from contracts.api.evaluations import (
    DesignationCreate,
    DesignationKind,
    DesignationRead,
    EvaluationCreate,
    EvaluationRead,
    Revocation,
)
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import error_responses

router = APIRouter(prefix="/v1", tags=["小灯塔 and benchmarks"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Evaluators = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.EXPERT))]
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE))]
DesignationReaders = Annotated[
    TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE, Role.OPS))
]


@router.post("/evaluations", status_code=status.HTTP_201_CREATED, response_model=EvaluationRead, responses=ERRORS)
async def create_evaluation(body: EvaluationCreate, uow: Uow, actor: Evaluators) -> EvaluationRead:
    """Evaluate a candidate on site against `lighthouse-2024` (小灯塔工厂) or `benchmark-2024` (three kinds
    of 标杆): every rule checked, outcomes computed from the before/after figures."""
    async with uow:
        result = await svc.create_evaluation(uow, actor, body)
        await uow.commit()
    return result


@router.get("/evaluations", response_model=list[EvaluationRead], responses=ERRORS)
async def list_evaluations(
    uow: Uow,
    actor: Readers,
    passed: bool | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> list[EvaluationRead]:
    """Evaluations in the caller's scope, newest first; `passed=true` lists the candidates."""
    async with uow:
        return await svc.list_evaluations(uow, actor, passed, limit)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationRead, responses=ERRORS)
async def get_evaluation(evaluation_id: str, uow: Uow, actor: Readers) -> EvaluationRead:
    async with uow:
        return await svc.get_evaluation(uow, actor, evaluation_id)


@router.post("/designations", status_code=status.HTTP_201_CREATED, response_model=DesignationRead, responses=ERRORS)
async def designate(body: DesignationCreate, uow: Uow, actor: CityActor) -> DesignationRead:
    """Designate a candidate whose evaluation passed; publishes `assessment.designation.granted`."""
    async with uow:
        result = await svc.designate(uow, actor, body)
        await uow.commit()
    return result


@router.get("/designations", response_model=list[DesignationRead], responses=ERRORS)
async def list_designations(
    uow: Uow,
    actor: DesignationReaders,
    kind: DesignationKind | None = None,
) -> list[DesignationRead]:
    """Every designated 小灯塔工厂 and benchmark (public honours), newest first."""
    async with uow:
        return await svc.list_designations(uow, kind)


@router.post("/designations/{designation_id}/revocation", response_model=DesignationRead, responses=ERRORS)
async def revoke(
    designation_id: str,
    body: Revocation,
    uow: Uow,
    actor: CityActor,
) -> DesignationRead:
    """Withdraw a designation with the reason; publishes `assessment.designation.revoked`. The record
    stays (marked revoked); the enterprise may be designated again later from a new evaluation."""
    async with uow:
        result = await svc.revoke(uow, actor, designation_id, body)
        await uow.commit()
    return result
