"""Evaluations of 小灯塔 and benchmark candidates, and the city's designations."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from assessment.assessments import repository as assessments
from assessment.assessments.service import check_read, enterprise_unit, unfit
from assessment.evaluations import repository
from assessment.evaluations.rules import check_evidence, evaluate, outcomes
from assessment.models import Designation, Evaluation
from assessment.schemes import service as scheme_store
from assessment.scoring.rules import AnswerErrors
from contracts.api.evaluations import (
    DesignationCreate,
    DesignationKind,
    DesignationRead,
    EvaluationCreate,
    EvaluationRead,
    Revocation,
)
from contracts.api.identity import Role, TokenClaims
from contracts.events.assessment import DesignationGranted, DesignationRevoked
from servicekit.auth import require_district
from servicekit.errors import Conflict, Forbidden, NotFound
from servicekit.uow import UnitOfWork


def _to_read(row: Evaluation, designation_id: str | None = None) -> EvaluationRead:
    return EvaluationRead.model_validate(
        {**{f: getattr(row, f) for f in Evaluation.model_fields if f != "note"}, "designation_id": designation_id}
    )


async def create_evaluation(uow: UnitOfWork, actor: TokenClaims, cmd: EvaluationCreate) -> EvaluationRead:
    district = await enterprise_unit(uow, cmd.uscc)
    require_district(actor, district)
    scheme = await scheme_store.get_evaluation_scheme(uow, cmd.scheme_id, cmd.scheme_version)
    try:
        check_evidence(scheme, cmd)
    except AnswerErrors as e:
        raise unfit(e, f"part(s) of the evidence do not fit {scheme.scheme_id}") from e
    level = await assessments.latest_final_level(uow.session, cmd.uscc)
    checks = evaluate(scheme, cmd, level)
    row = Evaluation(
        evaluation_id=f"ev_{secrets.token_hex(6)}",
        uscc=cmd.uscc,
        district_code=district,
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        designation=scheme.designation,
        category=cmd.category,
        indicators=cmd.indicators,
        scenes=cmd.scenes,
        figures=cmd.figures,
        replicable_scene=cmd.replicable_scene,
        level=level,
        passed=all(c.passed for c in checks),
        checks=checks,
        outcomes=outcomes(cmd.figures),
        note=cmd.note,
        evaluated_at=datetime.now(UTC),
        evaluated_by=actor.sub,
    )
    await repository.add_evaluation(uow.session, row)
    uow.audit(
        actor,
        "evaluation.create",
        row.evaluation_id,
        {"uscc": cmd.uscc, "scheme": scheme.scheme_id, "passed": row.passed},
    )
    return _to_read(row)


async def get_evaluation(uow: UnitOfWork, actor: TokenClaims, evaluation_id: str) -> EvaluationRead:
    row = await repository.get_evaluation(uow.session, evaluation_id)
    if row is None:
        raise NotFound(f"no evaluation {evaluation_id}")
    check_read(actor, row.uscc, row.district_code)
    return _to_read(row, await repository.designation_of(uow.session, evaluation_id))


async def list_evaluations(
    uow: UnitOfWork, actor: TokenClaims, passed: bool | None, limit: int
) -> list[EvaluationRead]:
    districts = list(actor.districts) if actor.role in (Role.DISTRICT, Role.EXPERT) else None
    uscc = actor.uscc if actor.role == Role.ENTERPRISE else None
    return [_to_read(r) for r in await repository.list_evaluations(uow.session, districts, uscc, passed, limit)]


async def designate(uow: UnitOfWork, actor: TokenClaims, cmd: DesignationCreate) -> DesignationRead:
    """The city designates a candidate whose evaluation passed; one designation per evaluation, and one
    per enterprise and category."""
    if actor.role != Role.CITY:
        raise Forbidden("only the city authority designates")
    evaluation = await get_evaluation(uow, actor, cmd.evaluation_id)
    if not evaluation.passed:
        failed = "; ".join(c.detail for c in evaluation.checks if not c.passed)
        raise Conflict(f"evaluation {cmd.evaluation_id} did not pass: {failed}", field="evaluation_id")
    if evaluation.designation_id:
        raise Conflict(
            f"evaluation {cmd.evaluation_id} led to designation {evaluation.designation_id} already",
            field="evaluation_id",
        )
    held = await repository.held_designation(uow.session, evaluation.uscc, evaluation.designation, evaluation.category)
    if held:
        raise Conflict(f"{evaluation.uscc} holds this designation already ({held})", field="evaluation_id")
    row = Designation(
        designation_id=f"dg_{secrets.token_hex(6)}",
        kind=evaluation.designation,
        category=evaluation.category,
        uscc=evaluation.uscc,
        district_code=evaluation.district_code,
        evaluation_id=evaluation.evaluation_id,
        batch=cmd.batch,
        designated_at=datetime.now(UTC),
        designated_by=actor.sub,
    )
    try:
        await repository.add_designation(uow.session, row)
    except IntegrityError as e:  # pragma: no cover - a concurrent designation of the same evaluation
        raise Conflict(f"evaluation {cmd.evaluation_id} was designated meanwhile", field="evaluation_id") from e
    uow.audit(actor, "designation.make", row.designation_id, {"uscc": evaluation.uscc, "kind": row.kind})
    uow.emit(
        DesignationGranted(
            designation_id=row.designation_id,
            category=row.category,
            uscc=row.uscc,
            district_code=row.district_code,
            evaluation_id=row.evaluation_id,
            batch=row.batch,
            designated_at=row.designated_at,
            kind=DesignationKind(row.kind),
            scheme_id=evaluation.scheme_id,
            scheme_version=evaluation.scheme_version,
        )
    )
    return DesignationRead.model_validate(row, from_attributes=True)


async def list_designations(uow: UnitOfWork, kind: DesignationKind | None) -> list[DesignationRead]:
    rows = await repository.list_designations(uow.session, kind.value if kind else None)
    return [DesignationRead.model_validate(r, from_attributes=True) for r in rows]


async def revoke(uow: UnitOfWork, actor: TokenClaims, designation_id: str, cmd: Revocation) -> DesignationRead:
    """The city withdraws a designation; the record stays, marked revoked with the reason."""
    row = await repository.get_designation(uow.session, designation_id)
    if row is None:
        raise NotFound(f"no designation {designation_id}")
    if row.revoked_at is not None:
        raise Conflict(f"{designation_id} was revoked on {row.revoked_at.date().isoformat()} already")
    now = datetime.now(UTC)
    await repository.revoke(uow.session, designation_id, now, actor.sub, cmd.reason)
    uow.audit(actor, "designation.revoke", designation_id, {"reason": cmd.reason})
    uow.emit(
        DesignationRevoked(
            designation_id=designation_id,
            kind=DesignationKind(row.kind),
            category=row.category,
            uscc=row.uscc,
            district_code=row.district_code,
            reason=cmd.reason,
            revoked_at=now,
        )
    )
    read = DesignationRead.model_validate(row, from_attributes=True)
    return read.model_copy(update={"revoked_at": now, "revocation_reason": cmd.reason})
