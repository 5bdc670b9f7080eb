"""Every query on assessments, their on-site changes and rescorings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, delete, func, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from assessment.assessments.rules import AssessmentFilter
from assessment.models import Assessment, AssessmentChange, AssessmentRescore
from servicekit.db import columns_of, table_of


async def add(session: AsyncSession, row: Assessment) -> None:
    await session.execute(insert(table_of(Assessment)).values(**columns_of(row)))


async def get(session: AsyncSession, assessment_id: str) -> Assessment | None:
    query = select(Assessment).where(Assessment.assessment_id == assessment_id)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def update_assessment(session: AsyncSession, assessment_id: str, values: dict[str, Any], revision: int) -> bool:
    """Write a change; False when another writer changed it since `revision` was read."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(table_of(Assessment))
            .where(col(Assessment.assessment_id) == assessment_id, col(Assessment.revision) == revision)
            .values(**values, revision=revision + 1)
        ),
    )
    return bool(result.rowcount)


async def add_changes(session: AsyncSession, assessment_id: str, rows: Sequence[AssessmentChange]) -> None:
    """Append on-site changes, numbered after the ones stored."""
    t = AssessmentChange
    start = await session.scalar(select(func.coalesce(func.max(t.seq), 0)).where(t.assessment_id == assessment_id))
    values = [
        columns_of(r) | {"assessment_id": assessment_id, "seq": i} for i, r in enumerate(rows, int(start or 0) + 1)
    ]
    if values:
        await session.execute(insert(table_of(AssessmentChange)), values)


async def changes(session: AsyncSession, assessment_id: str) -> Sequence[AssessmentChange]:
    query = select(AssessmentChange).where(AssessmentChange.assessment_id == assessment_id)
    return (await session.execute(query.order_by(col(AssessmentChange.seq)))).scalars().all()


async def count_changes(session: AsyncSession, assessment_id: str) -> int:
    query = select(func.count()).select_from(AssessmentChange).where(AssessmentChange.assessment_id == assessment_id)
    return int(await session.scalar(query) or 0)


async def put_rescore(session: AsyncSession, row: AssessmentRescore) -> None:
    t = AssessmentRescore
    await session.execute(
        delete(table_of(t)).where(
            col(t.assessment_id) == row.assessment_id, col(t.scheme_version) == row.scheme_version
        )
    )
    await session.execute(insert(table_of(t)).values(**columns_of(row)))


async def rescores(session: AsyncSession, assessment_id: str) -> Sequence[AssessmentRescore]:
    query = select(AssessmentRescore).where(AssessmentRescore.assessment_id == assessment_id)
    return (await session.execute(query.order_by(col(AssessmentRescore.scheme_version)))).scalars().all()


async def list_assessments(
    session: AsyncSession, f: AssessmentFilter, limit: int, offset: int
) -> tuple[int, Sequence[Assessment]]:
    t = Assessment
    where: list[ColumnElement[bool]] = []
    if f.districts is not None:
        where.append(col(t.district_code).in_(f.districts))
    if f.uscc:
        where.append(col(t.uscc) == f.uscc)
    if f.status:
        where.append(col(t.status) == f.status)
    if f.project_id:
        where.append(col(t.project_id) == f.project_id)
    total = await session.scalar(select(func.count()).select_from(t).where(*where))
    query = select(t).where(*where).order_by(col(t.created_at).desc(), col(t.assessment_id)).limit(limit).offset(offset)
    return int(total or 0), (await session.execute(query)).scalars().all()


async def latest_final(session: AsyncSession, project_id: str, phase: str) -> Assessment | None:
    t = Assessment
    query = (
        select(t)
        .where(t.project_id == project_id, t.phase == phase, t.status == "final")
        .order_by(col(t.finalised_at).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def latest_final_level(session: AsyncSession, uscc: str) -> int | None:
    """The digital level of the enterprise's most recently finalised assessment."""
    t = Assessment
    query = select(t.level).where(t.uscc == uscc, t.status == "final").order_by(col(t.finalised_at).desc()).limit(1)
    level = await session.scalar(query)
    return None if level is None else int(level)
