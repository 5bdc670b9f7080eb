"""Assessment routes (thin: authorise, validate, call the use case, commit)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import HTMLResponse

from assessment.assessments import service
from assessment.assessments.report import render_report
from assessment.assessments.rules import AssessmentFilter
from contracts.api.assessment import (
    AnswersUpdate,
    AssessmentCreate,
    AssessmentRead,
    AssessmentStatus,
    AssessmentSummary,
    Finalisation,
    Rescore,
    Submission,
)
from contracts.api.identity import Role, TokenClaims
from servicekit.auth import allow
from servicekit.deps import CityActor, Uow
from servicekit.http import MAX_OFFSET, error_responses

router = APIRouter(prefix="/v1/assessments", tags=["assessments"])
ERRORS = error_responses(401, 403, 404, 409, 422)
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.EXPERT, Role.ENTERPRISE))]
Authors = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.EXPERT, Role.ENTERPRISE))]
Verifiers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.EXPERT))]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AssessmentRead, responses=ERRORS)
async def create_assessment(
    body: AssessmentCreate,
    response: Response,
    uow: Uow,
    actor: Authors,
) -> AssessmentRead:
    """Start an assessment (a draft) on a scheme version, optionally with answers and linked to a
    project as T0 or T1. An enterprise assesses itself (source self); an expert of its unit rates it
    on site (source on_site)."""
    async with uow:
        created = await service.create(uow, actor, body)
        await uow.commit()
    response.headers["Location"] = f"/v1/assessments/{created.assessment_id}"
    return created


@router.get("", response_model=list[AssessmentSummary], responses=ERRORS)
async def list_assessments(
    uow: Uow,
    actor: Readers,
    uscc: str | None = Query(None, max_length=18),
    status_: AssessmentStatus | None = Query(None, alias="status"),
    project_id: str | None = Query(None, max_length=40),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> list[AssessmentSummary]:
    """Assessments in the caller's scope, newest first."""
    f = AssessmentFilter(uscc=uscc.upper() if uscc else None, status=status_, project_id=project_id)
    async with uow:
        return await service.list_summaries(uow, actor, f, limit, offset)


@router.get("/{assessment_id}", response_model=AssessmentRead, responses=ERRORS)
async def get_assessment(assessment_id: str, uow: Uow, actor: Readers) -> AssessmentRead:
    """One assessment: answers, the score on its scheme version, rescorings, on-site changes, guidance."""
    async with uow:
        return await service.read(uow, actor, assessment_id)


@router.patch("/{assessment_id}/answers", response_model=AssessmentRead, responses=ERRORS)
async def update_answers(assessment_id: str, body: AnswersUpdate, uow: Uow, actor: Authors) -> AssessmentRead:
    """Answer or change items, figures and scene levels (the given ones replace the stored ones).
    A submitted assessment changes only on site, by an expert, with a reason; every change is recorded."""
    async with uow:
        result = await service.update_answers(uow, actor, assessment_id, body)
        await uow.commit()
    return result


@router.post("/{assessment_id}/submission", response_model=AssessmentRead, responses=ERRORS)
async def submit(assessment_id: str, body: Submission, uow: Uow, actor: Authors) -> AssessmentRead:
    """Submit a complete draft with the truthfulness pledge; publishes `assessment.assessment.submitted`."""
    async with uow:
        result = await service.submit(uow, actor, assessment_id, body)
        await uow.commit()
    return result


@router.post("/{assessment_id}/finalisation", response_model=AssessmentRead, responses=ERRORS)
async def finalise(assessment_id: str, body: Finalisation, uow: Uow, actor: Verifiers) -> AssessmentRead:
    """Verified on site: the assessment is final. Publishes `assessment.assessment.finalised` and, when
    the project's T0 and T1 are both final, `assessment.project.level-changed`."""
    async with uow:
        result = await service.finalise(uow, actor, assessment_id, body)
        await uow.commit()
    return result


@router.post("/{assessment_id}/rescores", response_model=AssessmentRead, responses=ERRORS)
async def rescore(
    assessment_id: str,
    body: Rescore,
    uow: Uow,
    actor: CityActor,
) -> AssessmentRead:
    """Score the same answers on another version of its scheme; the original result is kept."""
    async with uow:
        result = await service.rescore(uow, actor, assessment_id, body)
        await uow.commit()
    return result


@router.get("/{assessment_id}/report", response_class=HTMLResponse, responses=ERRORS)
async def report(assessment_id: str, uow: Uow, actor: Readers) -> HTMLResponse:
    """A printable report (HTML, A4): dimension scores with a radar chart, scene levels, the level and
    what is missing for the next, and the project's T0→T1 change."""
    async with uow:
        assessment = await service.read(uow, actor, assessment_id)
        counterpart = await service.counterpart_score(uow, assessment)
    return HTMLResponse(render_report(assessment, counterpart))
