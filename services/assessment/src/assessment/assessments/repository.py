"""Every assessment query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import assessment_changes, assessment_rescores, assessments
from contracts.api.assessment import AnswerSet, Score


def to_row(values: dict[str, Any]) -> dict[str, Any]:
    row = dict(values)
    if isinstance(row.get("answers"), AnswerSet):
        row["answers"] = row["answers"].model_dump_json()
    if isinstance(row.get("score"), Score):
        score = row["score"]
        row |= {"score": score.model_dump_json(), "total": str(score.total), "level": score.level}
    return row


def from_row(row: Any) -> dict[str, Any]:
    m = dict(row._mapping)
    m["answers"] = AnswerSet.model_validate_json(m["answers"])
    m["score"] = Score.model_validate_json(m["score"])
    return m


async def add(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(assessments).values(**to_row(values)))


async def get(session: AsyncSession, assessment_id: str) -> dict[str, Any] | None:
    row = (await session.execute(select(assessments).where(assessments.c.assessment_id == assessment_id))).first()
    return from_row(row) if row else None


async def update_assessment(session: AsyncSession, assessment_id: str, values: dict[str, Any], revision: int) -> bool:
    """Write a change; False when another writer changed it since `revision` was read."""
    t = assessments
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(t)
            .where(t.c.assessment_id == assessment_id, t.c.revision == revision)
            .values(**to_row(values), revision=revision + 1)
        ),
    )
    return bool(result.rowcount)


async def add_changes(session: AsyncSession, assessment_id: str, rows: list[dict[str, Any]]) -> None:
    t = assessment_changes
    start = await session.scalar(select(func.coalesce(func.max(t.c.seq), 0)).where(t.c.assessment_id == assessment_id))
    for i, r in enumerate(rows, start=int(start or 0) + 1):
        await session.execute(insert(t).values(assessment_id=assessment_id, seq=i, **r))


async def changes(session: AsyncSession, assessment_id: str) -> list[dict[str, Any]]:
    t = assessment_changes
    rows = await session.execute(select(t).where(t.c.assessment_id == assessment_id).order_by(t.c.seq))
    return [dict(r._mapping) for r in rows]


async def put_rescore(session: AsyncSession, values: dict[str, Any]) -> None:
    t = assessment_rescores
    await session.execute(
        delete(t).where(t.c.assessment_id == values["assessment_id"], t.c.scheme_version == values["scheme_version"])
    )
    await session.execute(insert(t).values(**{**values, "score": values["score"].model_dump_json()}))


async def rescores(session: AsyncSession, assessment_id: str) -> list[dict[str, Any]]:
    t = assessment_rescores
    rows = await session.execute(select(t).where(t.c.assessment_id == assessment_id).order_by(t.c.scheme_version))
    return [{**r._mapping, "score": Score.model_validate_json(r.score)} for r in rows]


@dataclass
class AssessmentFilter:
    districts: list[str] | None = None
    uscc: str | None = None
    status: str | None = None
    project_id: str | None = None


async def list_assessments(
    session: AsyncSession, f: AssessmentFilter, limit: int, offset: int
) -> tuple[int, list[dict[str, Any]]]:
    t = assessments
    where: list[ColumnElement[bool]] = []
    if f.districts is not None:
        where.append(t.c.district_code.in_(f.districts))
    if f.uscc:
        where.append(t.c.uscc == f.uscc)
    if f.status:
        where.append(t.c.status == f.status)
    if f.project_id:
        where.append(t.c.project_id == f.project_id)
    total = await session.scalar(select(func.count()).select_from(t).where(*where))
    rows = await session.execute(
        select(t).where(*where).order_by(t.c.created_at.desc(), t.c.assessment_id).limit(limit).offset(offset)
    )
    return int(total or 0), [from_row(r) for r in rows]


async def latest_final(session: AsyncSession, project_id: str, phase: str) -> dict[str, Any] | None:
    t = assessments
    row = (
        await session.execute(
            select(t)
            .where(t.c.project_id == project_id, t.c.phase == phase, t.c.status == "final")
            .order_by(t.c.finalised_at.desc())
            .limit(1)
        )
    ).first()
    return from_row(row) if row else None


async def latest_final_level(session: AsyncSession, uscc: str) -> int | None:
    """The digital level of the enterprise's most recently finalised assessment."""
    t = assessments
    level = await session.scalar(
        select(t.c.level).where(t.c.uscc == uscc, t.c.status == "final").order_by(t.c.finalised_at.desc()).limit(1)
    )
    return None if level is None else int(level)
