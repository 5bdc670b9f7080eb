"""Every query on what finance knows of enterprises: set-based writes per batch, and the reads one
eligibility answer needs (four indexed lookups)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import EnterpriseFacts, FinalAssessment, KnownLevelChange, KnownProject
from servicekit.bulk import insert_rows
from servicekit.db import latest_per_key

FACT_COLUMNS = [c for c in EnterpriseFacts.model_fields if c != "uscc"]


async def put_facts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Registrations and updates: only a newer version moves a row (a replay changes nothing)."""
    latest = latest_per_key(rows, ["uscc"], "version")
    await insert_rows(session, EnterpriseFacts, latest, conflict=["uscc"], update=FACT_COLUMNS, newer="version")


async def add_final_assessments(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, FinalAssessment, rows, conflict=["assessment_id"])


async def facts_of(session: AsyncSession, uscc: str) -> EnterpriseFacts | None:
    return (await session.execute(select(EnterpriseFacts).where(EnterpriseFacts.uscc == uscc))).scalar_one_or_none()


async def projects_of(session: AsyncSession, uscc: str) -> list[KnownProject]:
    return list((await session.execute(select(KnownProject).where(KnownProject.uscc == uscc))).scalars())


async def latest_final_assessment(session: AsyncSession, uscc: str) -> FinalAssessment | None:
    query = (
        select(FinalAssessment)
        .where(FinalAssessment.uscc == uscc)
        .order_by(col(FinalAssessment.finalised_at).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def latest_level_change(session: AsyncSession, uscc: str) -> KnownLevelChange | None:
    query = (
        select(KnownLevelChange)
        .where(KnownLevelChange.uscc == uscc)
        .order_by(col(KnownLevelChange.measured_at).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()
