"""Every query on repayments and interest subsidy lines: one statement per table per batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import EnterpriseFacts, InterestSubsidyLine, LoanRepayment
from servicekit.bulk import insert_rows
from servicekit.db import table_of


async def lock_enterprise(session: AsyncSession, uscc: str) -> None:
    """Serialise subsidy computations per enterprise (its yearly cap spans its loans). PostgreSQL locks
    the row; SQLite has one writer at a time anyway."""
    await session.execute(select(EnterpriseFacts.uscc).where(EnterpriseFacts.uscc == uscc).with_for_update())


async def recorded_refs(session: AsyncSession, bank_id: str, refs: Sequence[str]) -> set[str]:
    query = select(LoanRepayment.bank_ref).where(
        LoanRepayment.bank_id == bank_id, col(LoanRepayment.bank_ref).in_(list(refs))
    )
    return set((await session.execute(query)).scalars())


async def add_repayments(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, LoanRepayment, rows)


async def add_lines(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, InterestSubsidyLine, rows)


async def granted_by_year(session: AsyncSession, uscc: str, scheme_id: str, years: Sequence[int]) -> dict[int, int]:
    query = (
        select(InterestSubsidyLine.year, func.sum(InterestSubsidyLine.subsidy_fen))
        .where(
            InterestSubsidyLine.uscc == uscc,
            InterestSubsidyLine.scheme_id == scheme_id,
            col(InterestSubsidyLine.year).in_(list(years)),
        )
        .group_by(col(InterestSubsidyLine.year))
    )
    return {int(year): int(total or 0) for year, total in (await session.execute(query)).all()}


def _granted_in_year() -> Any:
    """The interest subsidy granted to `uscc` under `scheme_id` in `year` (for servicekit.pointread)."""
    t = table_of(InterestSubsidyLine)
    return sa_select(func.sum(t.c.subsidy_fen).label("granted")).where(
        t.c.uscc == bindparam("uscc"), t.c.scheme_id == bindparam("scheme_id"), t.c.year == bindparam("year")
    )


GRANTED_IN_YEAR = _granted_in_year()


async def lines_of(session: AsyncSession, uscc: str, year: int) -> list[InterestSubsidyLine]:
    query = (
        select(InterestSubsidyLine)
        .where(InterestSubsidyLine.uscc == uscc, InterestSubsidyLine.year == year)
        .order_by(col(InterestSubsidyLine.paid_on), col(InterestSubsidyLine.bank_ref))
    )
    return list((await session.execute(query)).scalars())


async def payables(
    session: AsyncSession, first: date, last: date, bank_id: str | None
) -> list[tuple[str, str, int, int]]:
    """(bank, enterprise, repayments, subsidy) for repayments paid from `first` to `last`."""
    query = (
        select(
            InterestSubsidyLine.bank_id,
            InterestSubsidyLine.uscc,
            func.count(func.distinct(InterestSubsidyLine.bank_ref)),
            func.sum(InterestSubsidyLine.subsidy_fen),
        )
        .where(col(InterestSubsidyLine.paid_on) >= first, col(InterestSubsidyLine.paid_on) <= last)
        .group_by(col(InterestSubsidyLine.bank_id), col(InterestSubsidyLine.uscc))
        .order_by(col(InterestSubsidyLine.bank_id), col(InterestSubsidyLine.uscc))
    )
    if bank_id is not None:
        query = query.where(InterestSubsidyLine.bank_id == bank_id)
    return [(b, u, int(n), int(s or 0)) for b, u, n, s in (await session.execute(query)).all()]
