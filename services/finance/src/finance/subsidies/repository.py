"""Every query on transformation subsidies, funded invoices and funding flags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import Designation, FundedInvoice, FundingFlag, TransformationSubsidy
from servicekit.bulk import insert_rows
from servicekit.db import columns_of, table_of

GRANTING = ("computed", "approved", "paid")  # statuses whose amount counts against the cap


async def add(session: AsyncSession, row: TransformationSubsidy) -> None:
    await session.execute(insert(table_of(TransformationSubsidy)).values(**columns_of(row)))


async def get(session: AsyncSession, subsidy_id: str) -> TransformationSubsidy | None:
    query = select(TransformationSubsidy).where(TransformationSubsidy.subsidy_id == subsidy_id)
    return (await session.execute(query)).scalar_one_or_none()


def _granted() -> Any:
    """The transformation subsidy computed, approved or paid to `uscc` under `product_id` (bound parameters,
    the statuses as literals: servicekit.pointread runs it as it is)."""
    t = table_of(TransformationSubsidy)
    return sa_select(func.sum(t.c.amount_fen).label("granted")).where(
        t.c.uscc == bindparam("uscc"),
        t.c.product_id == bindparam("product_id"),
        t.c.status.in_([literal(s) for s in GRANTING]),
    )


GRANTED = _granted()


async def granted_before(session: AsyncSession, uscc: str, product_id: str) -> int:
    return int(await session.scalar(GRANTED, {"uscc": uscc, "product_id": product_id}) or 0)


async def funded(session: AsyncSession, numbers: Sequence[str]) -> dict[str, str]:
    """Invoice number → the funding that used it, for those of `numbers` funded before."""
    query = select(FundedInvoice.number, FundedInvoice.funding).where(col(FundedInvoice.number).in_(list(numbers)))
    return {n: f for n, f in (await session.execute(query)).all()}


async def add_funded(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, FundedInvoice, rows)


async def add_flag(session: AsyncSession, row: FundingFlag) -> None:
    await session.execute(insert(table_of(FundingFlag)).values(**columns_of(row)))


async def set_status(session: AsyncSession, subsidy_id: str, status: str, **values: Any) -> None:
    table = table_of(TransformationSubsidy)
    await session.execute(update(table).where(table.c.subsidy_id == subsidy_id).values(status=status, **values))


async def unpaid_of_projects(session: AsyncSession, project_ids: Sequence[str]) -> list[TransformationSubsidy]:
    query = select(TransformationSubsidy).where(
        col(TransformationSubsidy.project_id).in_(list(project_ids)),
        col(TransformationSubsidy.status).in_(("computed", "approved")),
    )
    return list((await session.execute(query)).scalars())


async def unpaid_of_enterprises(session: AsyncSession, usccs: Sequence[str]) -> list[TransformationSubsidy]:
    query = select(TransformationSubsidy).where(
        col(TransformationSubsidy.uscc).in_(list(usccs)),
        col(TransformationSubsidy.status).in_(("computed", "approved")),
    )
    return list((await session.execute(query)).scalars())


async def held_designations(session: AsyncSession, usccs: Sequence[str]) -> dict[str, set[str]]:
    """The kinds of designation each enterprise holds now (not revoked)."""
    d = table_of(Designation)
    query = sa_select(d.c.uscc, d.c.kind).where(d.c.uscc.in_(list(usccs)), d.c.revoked_at.is_(None))
    held: dict[str, set[str]] = {u: set() for u in usccs}
    for row in await session.execute(query):
        held[row.uscc].add(row.kind)
    return held


async def withhold(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Many subsidies withheld at once (one executemany)."""
    table = table_of(TransformationSubsidy)

    stmt = (
        update(table)
        .where(table.c.subsidy_id == bindparam("id"))
        .values(status="withheld", withheld_at=bindparam("at"), withheld_reason=bindparam("reason"))
    )
    if rows:
        await session.execute(stmt, list(rows))


async def find(
    session: AsyncSession, *, districts: list[str] | None, uscc: str | None, limit: int
) -> list[TransformationSubsidy]:
    query = select(TransformationSubsidy).order_by(col(TransformationSubsidy.applied_at).desc()).limit(limit)
    if districts is not None:
        query = query.where(col(TransformationSubsidy.district_code).in_(districts))
    if uscc is not None:
        query = query.where(TransformationSubsidy.uscc == uscc)
    return list((await session.execute(query)).scalars())


async def flags(session: AsyncSession, open_only: bool, limit: int) -> list[FundingFlag]:
    query = select(FundingFlag).order_by(col(FundingFlag.raised_at).desc()).limit(limit)
    if open_only:
        query = query.where(col(FundingFlag.resolved_at).is_(None))
    return list((await session.execute(query)).scalars())


async def get_flag(session: AsyncSession, flag_id: str) -> FundingFlag | None:
    return (await session.execute(select(FundingFlag).where(FundingFlag.flag_id == flag_id))).scalar_one_or_none()


async def resolve_flag(session: AsyncSession, flag_id: str, at: datetime, reason: str) -> None:
    table = table_of(FundingFlag)
    await session.execute(update(table).where(table.c.flag_id == flag_id).values(resolved_at=at, resolution=reason))
