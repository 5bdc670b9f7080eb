"""Every query on adoptions, their outcomes and ratings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from catalog.models import Adoption, KnownProject, Outcome, Rating
from servicekit.bulk import insert_rows
from servicekit.db import columns_of, table_of

RATING_COLUMNS = ["stars", "comment", "rated_at"]


async def add(session: AsyncSession, row: Adoption) -> None:
    await session.execute(insert(table_of(Adoption)).values(**columns_of(row)))


async def get(session: AsyncSession, adoption_id: str) -> Adoption | None:
    return (await session.execute(select(Adoption).where(Adoption.adoption_id == adoption_id))).scalar_one_or_none()


async def of_enterprise_and_solution(session: AsyncSession, uscc: str, solution_id: str) -> Adoption | None:
    query = select(Adoption).where(Adoption.uscc == uscc, Adoption.solution_id == solution_id)
    return (await session.execute(query)).scalar_one_or_none()


async def project(session: AsyncSession, project_id: str) -> KnownProject | None:
    return (
        await session.execute(select(KnownProject).where(KnownProject.project_id == project_id))
    ).scalar_one_or_none()


async def find(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    uscc: str | None,
    provider_id: str | None,
    solution_id: str | None,
    limit: int,
) -> list[Adoption]:
    query = select(Adoption).order_by(col(Adoption.created_at).desc(), col(Adoption.adoption_id)).limit(limit)
    if districts is not None:
        query = query.where(col(Adoption.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Adoption.uscc == uscc)
    if provider_id is not None:
        query = query.where(Adoption.provider_id == provider_id)
    if solution_id is not None:
        query = query.where(Adoption.solution_id == solution_id)
    return list((await session.execute(query)).scalars())


async def outcomes_of(session: AsyncSession, adoption_ids: Sequence[str]) -> dict[str, list[Outcome]]:
    found: dict[str, list[Outcome]] = defaultdict(list)
    if adoption_ids:
        query = (
            select(Outcome).where(col(Outcome.adoption_id).in_(list(adoption_ids))).order_by(col(Outcome.recorded_at))
        )
        for row in (await session.execute(query)).scalars():
            found[row.adoption_id].append(row)
    return found


async def ratings_of(session: AsyncSession, adoption_ids: Sequence[str]) -> dict[str, Rating]:
    if not adoption_ids:
        return {}
    query = select(Rating).where(col(Rating.adoption_id).in_(list(adoption_ids)))
    return {r.adoption_id: r for r in (await session.execute(query)).scalars()}


async def add_outcome(session: AsyncSession, row: Outcome) -> None:
    await session.execute(insert(table_of(Outcome)).values(**columns_of(row)))


async def get_outcome(session: AsyncSession, outcome_id: str) -> Outcome | None:
    return (await session.execute(select(Outcome).where(Outcome.outcome_id == outcome_id))).scalar_one_or_none()


async def verify_outcome(session: AsyncSession, outcome_id: str, by: str, at: datetime) -> None:
    t = table_of(Outcome)
    await session.execute(update(t).where(t.c.outcome_id == outcome_id).values(verified_by=by, verified_at=at))


async def put_rating(session: AsyncSession, row: Rating) -> None:
    await insert_rows(session, Rating, [columns_of(row)], conflict=["adoption_id"], update=RATING_COLUMNS)


async def notify(session: AsyncSession, solution_id: str, notice: str, at: datetime) -> list[Any]:
    """Put a notice on every adoption of the solution; the adoptions told (id, uscc, district)."""
    t = table_of(Adoption)
    await session.execute(update(t).where(t.c.solution_id == solution_id).values(notice=notice, notice_at=at))
    query = select(t.c.adoption_id, t.c.uscc, t.c.district_code).where(t.c.solution_id == solution_id)
    return list(await session.execute(query))
