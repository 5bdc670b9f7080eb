"""Assessment use cases: start, answer, submit with the pledge, verify on site, finalise, rescore."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from assessment.assessments import repository
from assessment.assessments.rules import AssessmentFilter, level_change
from assessment.known import repository as known
from assessment.models import Assessment, AssessmentChange, AssessmentRescore
from assessment.schemes import service as scheme_store
from assessment.scoring.guidance import guidance
from assessment.scoring.rules import AnswerErrors, score
from contracts.api.assessment import (
    AnswerChange,
    AnswerSet,
    AnswersUpdate,
    AssessmentCreate,
    AssessmentRead,
    AssessmentStatus,
    AssessmentSummary,
    Finalisation,
    Phase,
    Rescore,
    Score,
    ScoreRecord,
    Source,
    Submission,
)
from contracts.api.identity import Role, TokenClaims
from contracts.api.schemes import Scheme
from contracts.events.assessment import AssessmentFinalised, AssessmentSubmitted
from servicekit.auth import require_district
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.uow import UnitOfWork

GUIDANCE_IN_EVENT = 10
_READ_FIELDS = (
    "assessment_id",
    "uscc",
    "district_code",
    "scheme_id",
    "scheme_version",
    "source",
    "status",
    "project_id",
    "phase",
    "answers",
    "score",
    "created_at",
    "submitted_at",
    "pledged_by",
    "finalised_at",
    "verified_by",
)


def unfit(e: AnswerErrors, what: str, prefix: str = "") -> InvalidInput:
    """The 422 for input that does not fit a scheme: every field named, the first in the message."""
    errors = [(f"{prefix}{f}", m) for f, m in e.errors]
    return InvalidInput(f"{len(errors)} {what}: {e.errors[0][1]}", field=errors[0][0], errors=errors)


def scored(scheme: Scheme, answers: AnswerSet) -> Score:
    """Score, turning answers that do not fit the scheme into a 422 naming each item."""
    try:
        return score(scheme, answers)
    except AnswerErrors as e:
        raise unfit(e, f"answer(s) do not fit scheme {scheme.scheme_id} v{scheme.version}", "answers.") from e


def check_read(actor: TokenClaims, uscc: str, district_code: str) -> None:
    if actor.role == Role.ENTERPRISE:
        if actor.uscc != uscc:
            raise Forbidden("an enterprise sees only its own assessments")
    else:
        require_district(actor, district_code)


def _check_verifier(actor: TokenClaims, row: Assessment) -> None:
    if actor.role not in (Role.EXPERT, Role.CITY):
        raise Forbidden("only an on-site expert (or the city) verifies a submitted assessment")
    require_district(actor, row.district_code)


def _check_author(actor: TokenClaims, uscc: str, district_code: str) -> None:
    """Who may fill in a draft: the enterprise itself, an expert of its unit, the city."""
    if actor.role == Role.ENTERPRISE:
        if actor.uscc != uscc:
            raise Forbidden("an enterprise may assess only itself")
    elif actor.role in (Role.EXPERT, Role.CITY):
        require_district(actor, district_code)
    else:
        raise Forbidden(f"role {actor.role.value!r} may not fill in assessments")


async def enterprise_unit(uow: UnitOfWork, uscc: str) -> str:
    """The district unit of an enterprise this service has learnt of; 422 if not (yet)."""
    district = await known.enterprise_unit(uow.session, uscc)
    if district is None:
        raise InvalidInput(f"enterprise {uscc} is not known to the assessment service (yet)", field="uscc")
    return district


async def _check_project(uow: UnitOfWork, cmd: AssessmentCreate) -> None:
    if (cmd.project_id is None) != (cmd.phase is None):
        raise InvalidInput("give project_id and phase (T0 or T1) together", field="phase")
    if cmd.project_id is None:
        return
    owner = await known.project_owner(uow.session, cmd.project_id)
    if owner is None:
        raise InvalidInput(f"project {cmd.project_id} is not known to the assessment service (yet)", field="project_id")
    if owner != cmd.uscc:
        raise InvalidInput(f"project {cmd.project_id} belongs to another enterprise", field="project_id")


async def create(uow: UnitOfWork, actor: TokenClaims, cmd: AssessmentCreate) -> AssessmentRead:
    district = await enterprise_unit(uow, cmd.uscc)
    _check_author(actor, cmd.uscc, district)
    await _check_project(uow, cmd)
    scheme = await scheme_store.get_scheme(uow, cmd.scheme_id, cmd.scheme_version)
    result = scored(scheme, cmd.answers)
    row = Assessment(
        assessment_id=f"as_{secrets.token_hex(6)}",
        uscc=cmd.uscc,
        district_code=district,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        source=(Source.SELF if actor.role == Role.ENTERPRISE else Source.ON_SITE).value,
        status=AssessmentStatus.DRAFT.value,
        project_id=cmd.project_id,
        phase=cmd.phase.value if cmd.phase else None,
        answers=cmd.answers,
        score=result,
        total=result.total,
        level=result.level,
        created_at=datetime.now(UTC),
        created_by=actor.sub,
        revision=1,
    )
    await repository.add(uow.session, row)
    uow.audit(actor, "assessment.create", row.assessment_id, {"uscc": cmd.uscc, "scheme": scheme.scheme_id})
    return await _read(uow, row, scheme)


async def load(uow: UnitOfWork, actor: TokenClaims, assessment_id: str) -> Assessment:
    row = await repository.get(uow.session, assessment_id)
    if row is None:
        raise NotFound(f"no assessment {assessment_id}")
    check_read(actor, row.uscc, row.district_code)
    return row


async def list_summaries(
    uow: UnitOfWork, actor: TokenClaims, f: AssessmentFilter, limit: int, offset: int
) -> list[AssessmentSummary]:
    """Assessments in the caller's scope, newest first (a district authority or expert: its units';
    an enterprise: its own)."""
    if actor.role in (Role.DISTRICT, Role.EXPERT):
        f.districts = list(actor.districts)
    elif actor.role == Role.ENTERPRISE:
        if f.uscc is not None and f.uscc != actor.uscc:
            raise Forbidden("an enterprise sees only its own assessments", field="uscc")
        f.uscc = actor.uscc
    _, rows = await repository.list_assessments(uow.session, f, limit, offset)
    return [AssessmentSummary.model_validate(r, from_attributes=True) for r in rows]


def _merge(old: AnswerSet, new: AnswerSet) -> AnswerSet:
    return AnswerSet(
        choices={**old.choices, **new.choices},
        figures={**old.figures, **new.figures},
        scene_levels={**old.scene_levels, **new.scene_levels},
    )


def _encode(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False)


def _diff(old: AnswerSet, new: AnswerSet) -> list[tuple[str, str | None, str | None]]:
    out = []
    for part in ("choices", "figures", "scene_levels"):
        before, after = getattr(old, part), getattr(new, part)
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                out.append((f"{part}.{key}", _encode(before.get(key)), _encode(after.get(key))))
    return out


async def _save(uow: UnitOfWork, row: Assessment, changes: dict[str, Any]) -> Assessment:
    """Write `changes` over `row` (optimistic lock on its revision); the row as stored now."""
    if not await repository.update_assessment(uow.session, row.assessment_id, changes, row.revision):
        raise Conflict(f"{row.assessment_id} was changed meanwhile; read it again and retry")
    values = {f: getattr(row, f) for f in Assessment.model_fields}
    return Assessment(**(values | changes | {"revision": row.revision + 1}))


def _scored_fields(result: Score) -> dict[str, Any]:
    return {"score": result, "total": result.total, "level": result.level}


async def update_answers(uow: UnitOfWork, actor: TokenClaims, assessment_id: str, cmd: AnswersUpdate) -> AssessmentRead:
    """Change answers: in a draft, its authors; once submitted, an on-site expert with a reason (recorded)."""
    row = await load(uow, actor, assessment_id)
    status = AssessmentStatus(row.status)
    if status == AssessmentStatus.FINAL:
        raise Conflict(f"{assessment_id} is final; its answers cannot change (rescoring keeps them)")
    if status == AssessmentStatus.SUBMITTED:
        _check_verifier(actor, row)
        if not cmd.reason:
            raise InvalidInput("an on-site change of a submitted assessment needs a reason", field="reason")
    else:
        _check_author(actor, row.uscc, row.district_code)
    scheme = await scheme_store.get_scheme(uow, row.scheme_id, row.scheme_version)
    answers = _merge(row.answers, cmd.answers)
    result = scored(scheme, answers)
    diff = _diff(row.answers, answers)
    if not diff:
        return await _read(uow, row, scheme)
    now = datetime.now(UTC)
    row = await _save(uow, row, {"answers": answers, **_scored_fields(result)})
    if status == AssessmentStatus.SUBMITTED:
        changes = [
            AssessmentChange(
                assessment_id=assessment_id,
                seq=0,  # numbered when stored
                at=now,
                actor=actor.sub,
                role=actor.role.value,
                field=f,
                before=b,
                after=a,
                reason=cmd.reason or "",
            )
            for f, b, a in diff
        ]
        await repository.add_changes(uow.session, assessment_id, changes)
    uow.audit(actor, "assessment.answers", assessment_id, {"fields": [f for f, _, _ in diff], "reason": cmd.reason})
    return await _read(uow, row, scheme)


def _result_fields(row: Assessment, s: Score) -> dict[str, Any]:
    return {
        "assessment_id": row.assessment_id,
        "uscc": row.uscc,
        "district_code": row.district_code,
        "scheme_id": s.scheme_id,
        "scheme_version": s.scheme_version,
        "source": Source(row.source),
        "project_id": row.project_id,
        "phase": Phase(row.phase) if row.phase else None,
        "total": s.total,
        "level": s.level,
        "dimensions": {d.id: d.points for d in s.dimensions},
        "scene_levels": {sc.scene_id: sc.level for sc in s.scenes},
    }


async def submit(uow: UnitOfWork, actor: TokenClaims, assessment_id: str, cmd: Submission) -> AssessmentRead:
    """Draft → submitted, with the truthfulness pledge; every item answered and every scene rated."""
    row = await load(uow, actor, assessment_id)
    _check_author(actor, row.uscc, row.district_code)
    if row.status != AssessmentStatus.DRAFT.value:
        raise Conflict(f"{assessment_id} is {row.status}, not a draft")
    if not cmd.pledge:
        raise InvalidInput("the truthfulness pledge (承诺所填信息真实有效) must be given", field="pledge")
    scheme = await scheme_store.get_scheme(uow, row.scheme_id, row.scheme_version)
    s = row.score
    missing = [(f"answers.choices.{i}", "unanswered") for i in s.unanswered]
    missing += [
        (f"answers.scene_levels.{sc.id}", "not rated (0 if not even 一级)")
        for sc in scheme.scenes
        if sc.id not in row.answers.scene_levels
    ]
    if missing:
        raise InvalidInput(
            f"{len(missing)} answer(s) missing: {', '.join(f.split('.')[-1] for f, _ in missing)}",
            field=missing[0][0],
            errors=missing,
        )
    now = datetime.now(UTC)
    row = await _save(
        uow, row, {"status": AssessmentStatus.SUBMITTED.value, "submitted_at": now, "pledged_by": cmd.pledged_by}
    )
    uow.audit(actor, "assessment.submit", assessment_id, {"pledged_by": cmd.pledged_by, "level": s.level})
    uow.emit(AssessmentSubmitted(**_result_fields(row, s), submitted_at=now))
    return await _read(uow, row, scheme)


async def finalise(uow: UnitOfWork, actor: TokenClaims, assessment_id: str, cmd: Finalisation) -> AssessmentRead:
    """Submitted → final by an on-site expert; publishes the result and, for a project with both T0 and T1
    final, the change between them."""
    row = await load(uow, actor, assessment_id)
    _check_verifier(actor, row)
    if row.status != AssessmentStatus.SUBMITTED.value:
        raise Conflict(f"{assessment_id} is {row.status}: only a submitted assessment can be finalised")
    scheme = await scheme_store.get_scheme(uow, row.scheme_id, row.scheme_version)
    now = datetime.now(UTC)
    row = await _save(
        uow,
        row,
        {
            "status": AssessmentStatus.FINAL.value,
            "finalised_at": now,
            "verified_by": actor.sub,
            "verification_note": cmd.note,
        },
    )
    s = row.score
    on_site = await repository.count_changes(uow.session, assessment_id)
    uow.audit(actor, "assessment.finalise", assessment_id, {"level": s.level, "on_site_changes": on_site})
    uow.emit(
        AssessmentFinalised(
            **_result_fields(row, s),
            finalised_at=now,
            on_site_changes=on_site,
            guidance=guidance(scheme, s, GUIDANCE_IN_EVENT),
        )
    )
    if row.project_id:
        other = Phase.T1 if row.phase == Phase.T0.value else Phase.T0
        counterpart = await repository.latest_final(uow.session, row.project_id, other.value)
        if counterpart is not None:
            t0, t1 = (row, counterpart) if other == Phase.T1 else (counterpart, row)
            t1_scheme = await scheme_store.get_scheme(uow, t1.scheme_id, t1.scheme_version)
            uow.emit(level_change(t0, t1, t1_scheme, now))
    return await _read(uow, row, scheme)


async def rescore(uow: UnitOfWork, actor: TokenClaims, assessment_id: str, cmd: Rescore) -> AssessmentRead:
    """Score the same answers on another version of the scheme; the original result stays as it was."""
    row = await load(uow, actor, assessment_id)
    scheme = await scheme_store.get_scheme(uow, row.scheme_id, cmd.scheme_version)
    if scheme.version == row.scheme_version:
        raise InvalidInput(f"{assessment_id} is already scored on version {scheme.version}", field="scheme_version")
    result = scored(scheme, row.answers)
    await repository.put_rescore(
        uow.session,
        AssessmentRescore(
            assessment_id=assessment_id,
            scheme_id=scheme.scheme_id,
            scheme_version=scheme.version,
            scored_at=datetime.now(UTC),
            scored_by=actor.sub,
            score=result,
        ),
    )
    uow.audit(actor, "assessment.rescore", assessment_id, {"scheme_version": scheme.version, "level": result.level})
    original = await scheme_store.get_scheme(uow, row.scheme_id, row.scheme_version)
    return await _read(uow, row, original)


async def read(uow: UnitOfWork, actor: TokenClaims, assessment_id: str) -> AssessmentRead:
    row = await load(uow, actor, assessment_id)
    scheme = await scheme_store.get_scheme(uow, row.scheme_id, row.scheme_version)
    return await _read(uow, row, scheme)


async def counterpart_score(uow: UnitOfWork, assessment: AssessmentRead) -> Score | None:
    """The score of the project's other final assessment (T1 for a T0, T0 for a T1), if there is one."""
    if not (assessment.project_id and assessment.phase):
        return None
    other = Phase.T1 if assessment.phase == Phase.T0 else Phase.T0
    row = await repository.latest_final(uow.session, assessment.project_id, other.value)
    return row.score if row else None


async def _read(uow: UnitOfWork, row: Assessment, scheme: Scheme) -> AssessmentRead:
    final = row.status == AssessmentStatus.FINAL.value
    return AssessmentRead(
        **{k: getattr(row, k) for k in _READ_FIELDS},
        rescored=[
            ScoreRecord(scored_at=r.scored_at, purpose="rescore", score=r.score)
            for r in await repository.rescores(uow.session, row.assessment_id)
        ],
        changes=[
            AnswerChange.model_validate(c, from_attributes=True)
            for c in await repository.changes(uow.session, row.assessment_id)
        ],
        guidance=guidance(scheme, row.score) if final else [],
    )
