"""Evaluations of 小灯塔 and benchmark candidates, and the city's designations."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from assessment.assessments import repository
from assessment.assessments.service import check_read, enterprise_unit, unfit
from assessment.evaluations.rules import check_evidence, evaluate, outcomes
from assessment.models import designations, evaluations
from assessment.schemes import service as scheme_store
from assessment.scoring.rules import AnswerErrors
from contracts.api.evaluations import (
    Check,
    DesignationCreate,
    DesignationKind,
    DesignationRead,
    EvaluationCreate,
    EvaluationRead,
    Outcomes,
    Revocation,
)
from contracts.api.identity import Role, TokenClaims
from contracts.events.assessment import DesignationGranted, DesignationRevoked
from servicekit.auth import require_district
from servicekit.errors import Conflict, Forbidden, NotFound
from servicekit.uow import UnitOfWork


def _to_read(row: dict[str, Any]) -> EvaluationRead:
    return EvaluationRead.model_validate(
        {
            **row,
            "indicators": json.loads(row["indicators"]),
            "scenes": json.loads(row["scenes"]),
            "figures": {k: Decimal(v) for k, v in json.loads(row["figures"]).items()},
            "checks": [Check.model_validate(c) for c in json.loads(row["checks"])],
            "outcomes": Outcomes.model_validate_json(row["outcomes"]),
        }
    )


async def create_evaluation(uow: UnitOfWork, actor: TokenClaims, cmd: EvaluationCreate) -> EvaluationRead:
    district = await enterprise_unit(uow, cmd.uscc)
    require_district(actor, district)
    scheme = await scheme_store.get_evaluation_scheme(uow.session, cmd.scheme_id, cmd.scheme_version)
    try:
        check_evidence(scheme, cmd)
    except AnswerErrors as e:
        raise unfit(e, f"part(s) of the evidence do not fit {scheme.scheme_id}") from e
    level = await repository.latest_final_level(uow.session, cmd.uscc)
    checks = evaluate(scheme, cmd, level)
    now = datetime.now(UTC)
    row: dict[str, Any] = {
        "evaluation_id": f"ev_{secrets.token_hex(6)}",
        "uscc": cmd.uscc,
        "district_code": district,
        "scheme_id": scheme.scheme_id,
        "scheme_version": scheme.version,
        "designation": scheme.designation,
        "category": cmd.category,
        "indicators": json.dumps(cmd.indicators),
        "scenes": json.dumps(cmd.scenes),
        "figures": json.dumps({k: str(v) for k, v in cmd.figures.items()}),
        "replicable_scene": cmd.replicable_scene,
        "level": level,
        "passed": all(c.passed for c in checks),
        "checks": json.dumps([c.model_dump() for c in checks], ensure_ascii=False),
        "outcomes": outcomes(cmd.figures).model_dump_json(),
        "note": cmd.note,
        "evaluated_at": now,
        "evaluated_by": actor.sub,
    }
    await uow.session.execute(insert(evaluations).values(**row))
    uow.audit(
        actor,
        "evaluation.create",
        row["evaluation_id"],
        {"uscc": cmd.uscc, "scheme": scheme.scheme_id, "passed": row["passed"]},
    )
    return _to_read(row)


async def _designation_of(uow: UnitOfWork, evaluation_id: str) -> str | None:
    t = designations
    return await uow.session.scalar(select(t.c.designation_id).where(t.c.evaluation_id == evaluation_id))


async def get_evaluation(uow: UnitOfWork, actor: TokenClaims, evaluation_id: str) -> EvaluationRead:
    row = (await uow.session.execute(select(evaluations).where(evaluations.c.evaluation_id == evaluation_id))).first()
    if row is None:
        raise NotFound(f"no evaluation {evaluation_id}")
    values = dict(row._mapping)
    check_read(actor, values)
    return _to_read(values).model_copy(update={"designation_id": await _designation_of(uow, evaluation_id)})


async def list_evaluations(
    uow: UnitOfWork, actor: TokenClaims, passed: bool | None, limit: int
) -> list[EvaluationRead]:
    t = evaluations
    query = select(t).order_by(t.c.evaluated_at.desc()).limit(limit)
    if actor.role in (Role.DISTRICT, Role.EXPERT):
        query = query.where(t.c.district_code.in_(actor.districts))
    elif actor.role == Role.ENTERPRISE:
        query = query.where(t.c.uscc == actor.uscc)
    if passed is not None:
        query = query.where(t.c.passed == passed)
    return [_to_read(dict(r._mapping)) for r in await uow.session.execute(query)]


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
    t = designations
    held = await uow.session.scalar(
        select(t.c.designation_id).where(
            t.c.uscc == evaluation.uscc,
            t.c.kind == evaluation.designation,
            t.c.category == evaluation.category,
            t.c.revoked_at.is_(None),
        )
    )
    if held:
        raise Conflict(f"{evaluation.uscc} holds this designation already ({held})", field="evaluation_id")
    now = datetime.now(UTC)
    row: dict[str, Any] = {
        "designation_id": f"dg_{secrets.token_hex(6)}",
        "kind": evaluation.designation,
        "category": evaluation.category,
        "uscc": evaluation.uscc,
        "district_code": evaluation.district_code,
        "evaluation_id": evaluation.evaluation_id,
        "batch": cmd.batch,
        "designated_at": now,
        "designated_by": actor.sub,
    }
    try:
        await uow.session.execute(insert(t).values(**row))
    except IntegrityError as e:  # pragma: no cover - a concurrent designation of the same evaluation
        raise Conflict(f"evaluation {cmd.evaluation_id} was designated meanwhile", field="evaluation_id") from e
    uow.audit(actor, "designation.make", row["designation_id"], {"uscc": evaluation.uscc, "kind": row["kind"]})
    uow.emit(
        DesignationGranted(
            **{
                k: row[k]
                for k in (
                    "designation_id",
                    "category",
                    "uscc",
                    "district_code",
                    "evaluation_id",
                    "batch",
                    "designated_at",
                )
            },
            kind=DesignationKind(row["kind"]),
            scheme_id=evaluation.scheme_id,
            scheme_version=evaluation.scheme_version,
        )
    )
    return DesignationRead.model_validate(row)


async def list_designations(uow: UnitOfWork, kind: DesignationKind | None) -> list[DesignationRead]:
    t = designations
    query = select(t).order_by(t.c.designated_at.desc())
    if kind is not None:
        query = query.where(t.c.kind == kind.value)
    return [DesignationRead.model_validate(dict(r._mapping)) for r in await uow.session.execute(query)]


async def revoke(uow: UnitOfWork, actor: TokenClaims, designation_id: str, cmd: Revocation) -> DesignationRead:
    """The city withdraws a designation; the record stays, marked revoked with the reason."""
    t = designations
    row = (await uow.session.execute(select(t).where(t.c.designation_id == designation_id))).first()
    if row is None:
        raise NotFound(f"no designation {designation_id}")
    if row.revoked_at is not None:
        raise Conflict(f"{designation_id} was revoked on {row.revoked_at.date().isoformat()} already")
    now = datetime.now(UTC)
    await uow.session.execute(
        update(t)
        .where(t.c.designation_id == designation_id)
        .values(revoked_at=now, revoked_by=actor.sub, revocation_reason=cmd.reason)
    )
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
    return DesignationRead.model_validate({**row._mapping, "revoked_at": now, "revocation_reason": cmd.reason})
