"""Every query on what the catalog knows of providers, and the figures their ratings are computed from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from catalog.models import NEVER, Complaint, KnownProvider, Outcome, Rating, Solution
from catalog.providers.rules import Standing
from servicekit.bulk import insert_rows
from servicekit.db import latest_per_key, table_of

NEW_PROVIDER = {"name": None, "status": "applied", "quality_score": None, "quality_at": NEVER}


def _whole(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every column of each row (one statement per batch needs the same keys): a provider first seen through
    any one of its events gets the others' defaults."""
    return [NEW_PROVIDER | r for r in rows]


async def put_registered(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, KnownProvider, _whole(rows), conflict=["provider_id"], update=["name"])


async def put_status(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, KnownProvider, _whole(rows), conflict=["provider_id"], update=["status"])


async def put_quality(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    latest = latest_per_key(_whole(rows), ["provider_id"], "quality_at")
    await insert_rows(
        session,
        KnownProvider,
        latest,
        conflict=["provider_id"],
        update=["quality_score", "quality_at"],
        newer="quality_at",
    )


async def get(session: AsyncSession, provider_id: str) -> KnownProvider | None:
    query = select(KnownProvider).where(KnownProvider.provider_id == provider_id)
    return (await session.execute(query)).scalar_one_or_none()


async def all_providers(session: AsyncSession) -> list[KnownProvider]:
    return list((await session.execute(select(KnownProvider))).scalars())


async def standings(session: AsyncSession, provider_id: str | None = None) -> dict[str, Standing]:
    """Per provider: verified and improved outcomes, ratings, unresolved complaints (three grouped reads)."""
    o, r, c = table_of(Outcome), table_of(Rating), table_of(Complaint)
    outcomes = (
        sa_select(
            o.c.provider_id,
            func.count().label("verified"),
            func.sum(case((o.c.improved, 1), else_=0)).label("improved"),
        )
        .where(o.c.verified_at.is_not(None))
        .group_by(o.c.provider_id)
    )
    ratings = sa_select(r.c.provider_id, func.count().label("n"), func.sum(r.c.stars).label("stars")).group_by(
        r.c.provider_id
    )
    complaints = (
        sa_select(c.c.provider_id, func.count().label("n")).where(c.c.resolved_at.is_(None)).group_by(c.c.provider_id)
    )
    if provider_id is not None:
        outcomes = outcomes.where(o.c.provider_id == provider_id)
        ratings = ratings.where(r.c.provider_id == provider_id)
        complaints = complaints.where(c.c.provider_id == provider_id)
    figures: dict[str, dict[str, Any]] = {}
    for row in await session.execute(outcomes):
        figures.setdefault(row.provider_id, {}).update(
            verified_outcomes=row.verified, improved_outcomes=row.improved or 0
        )
    for row in await session.execute(ratings):
        figures.setdefault(row.provider_id, {}).update(ratings=row.n, stars_sum=row.stars or 0)
    for row in await session.execute(complaints):
        figures.setdefault(row.provider_id, {}).update(unresolved_complaints=row.n)
    return {p: Standing(**f) for p, f in figures.items()}


async def listed_counts(session: AsyncSession, provider_id: str | None = None) -> dict[str, int]:
    s = table_of(Solution)
    query = sa_select(s.c.provider_id, func.count()).where(s.c.status == "listed").group_by(s.c.provider_id)
    if provider_id is not None:
        query = query.where(s.c.provider_id == provider_id)
    return {row[0]: row[1] for row in await session.execute(query)}
