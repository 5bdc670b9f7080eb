"""Every query on solutions, their revisions and their search index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, insert, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from catalog.models import Solution, SolutionRevision, SolutionScene, SolutionTerm
from servicekit.bulk import insert_rows
from servicekit.db import columns_of, table_of


async def add(session: AsyncSession, solution: Solution, revision: SolutionRevision) -> None:
    await session.execute(insert(table_of(Solution)).values(**columns_of(solution)))
    await session.execute(insert(table_of(SolutionRevision)).values(**columns_of(revision)))


async def add_revision(session: AsyncSession, revision: SolutionRevision) -> None:
    await session.execute(insert(table_of(SolutionRevision)).values(**columns_of(revision)))


async def get(session: AsyncSession, solution_id: str) -> Solution | None:
    """The solution as stored now (a Core UPDATE earlier in the transaction is seen)."""
    query = select(Solution).where(Solution.solution_id == solution_id).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def revisions(session: AsyncSession, solution_id: str, numbers: Sequence[int]) -> dict[int, SolutionRevision]:
    if not numbers:
        return {}
    query = select(SolutionRevision).where(
        SolutionRevision.solution_id == solution_id, col(SolutionRevision.revision).in_(list(numbers))
    )
    return {r.revision: r for r in (await session.execute(query)).scalars()}


async def last_revision(session: AsyncSession, solution_id: str) -> int:
    query = (
        select(SolutionRevision.revision)
        .where(SolutionRevision.solution_id == solution_id)
        .order_by(col(SolutionRevision.revision).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none() or 0


async def change(session: AsyncSession, solution_id: str, **values: Any) -> None:
    t = table_of(Solution)
    await session.execute(update(t).where(t.c.solution_id == solution_id).values(**values))


async def set_revision_state(session: AsyncSession, solution_id: str, revision: int, **values: Any) -> None:
    t = table_of(SolutionRevision)
    await session.execute(update(t).where(t.c.solution_id == solution_id, t.c.revision == revision).values(**values))


async def reindex(session: AsyncSession, solution_id: str, terms: set[str], scenes: dict[str, int]) -> None:
    """Replace the solution's search terms and scenes with those of its newly listed content."""
    for model in (SolutionTerm, SolutionScene):
        t = table_of(model)
        await session.execute(delete(t).where(t.c.solution_id == solution_id))
    await insert_rows(session, SolutionTerm, [{"term": term, "solution_id": solution_id} for term in sorted(terms)])
    rows = [{"scene": s, "solution_id": solution_id, "to_level": level} for s, level in scenes.items()]
    await insert_rows(session, SolutionScene, rows)


async def of_provider(session: AsyncSession, provider_id: str) -> list[Solution]:
    query = select(Solution).where(Solution.provider_id == provider_id).order_by(col(Solution.solution_id))
    return list((await session.execute(query)).scalars())


async def review_queue(session: AsyncSession, due_by: date, limit: int) -> list[Solution]:
    """Solutions with a revision in review, or listed with the annual review due by `due_by`."""
    query = (
        select(Solution)
        .where(
            or_(
                col(Solution.pending_revision).is_not(None),
                and_(col(Solution.status) == "listed", col(Solution.review_due) <= due_by),
            )
        )
        .order_by(col(Solution.updated_at))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def names(session: AsyncSession, solution_ids: Sequence[str]) -> dict[str, str]:
    if not solution_ids:
        return {}
    t = table_of(Solution)
    query = select(t.c.solution_id, t.c.name).where(t.c.solution_id.in_(list(solution_ids)))
    return {r.solution_id: r.name for r in await session.execute(query)}
