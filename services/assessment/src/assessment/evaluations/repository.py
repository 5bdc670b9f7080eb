"""Every query on evaluations and designations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from assessment.models import Designation, Evaluation
from servicekit.db import columns_of, table_of


async def add_evaluation(session: AsyncSession, row: Evaluation) -> None:
    await session.execute(insert(table_of(Evaluation)).values(**columns_of(row)))


async def get_evaluation(session: AsyncSession, evaluation_id: str) -> Evaluation | None:
    query = select(Evaluation).where(Evaluation.evaluation_id == evaluation_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_evaluations(
    session: AsyncSession, districts: list[str] | None, uscc: str | None, passed: bool | None, limit: int
) -> Sequence[Evaluation]:
    query = select(Evaluation).order_by(col(Evaluation.evaluated_at).desc()).limit(limit)
    if districts is not None:
        query = query.where(col(Evaluation.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Evaluation.uscc == uscc)
    if passed is not None:
        query = query.where(Evaluation.passed == passed)
    return (await session.execute(query)).scalars().all()


async def designation_of(session: AsyncSession, evaluation_id: str) -> str | None:
    query = select(Designation.designation_id).where(Designation.evaluation_id == evaluation_id)
    return await session.scalar(query)


async def held_designation(session: AsyncSession, uscc: str, kind: str, category: str) -> str | None:
    """The designation this enterprise holds (not revoked) of this kind and category, if any."""
    t = Designation
    query = select(t.designation_id).where(
        t.uscc == uscc, t.kind == kind, t.category == category, col(t.revoked_at).is_(None)
    )
    return await session.scalar(query)


async def add_designation(session: AsyncSession, row: Designation) -> None:
    await session.execute(insert(table_of(Designation)).values(**columns_of(row)))


async def get_designation(session: AsyncSession, designation_id: str) -> Designation | None:
    query = select(Designation).where(Designation.designation_id == designation_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_designations(session: AsyncSession, kind: str | None) -> Sequence[Designation]:
    query = select(Designation).order_by(col(Designation.designated_at).desc())
    if kind is not None:
        query = query.where(Designation.kind == kind)
    return (await session.execute(query)).scalars().all()


async def revoke(session: AsyncSession, designation_id: str, at: datetime, by: str, reason: str) -> None:
    await session.execute(
        update(table_of(Designation))
        .where(col(Designation.designation_id) == designation_id)
        .values(revoked_at=at, revoked_by=by, revocation_reason=reason)
    )
