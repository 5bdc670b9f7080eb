"""Every query on loans."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import KnownProject, Loan
from servicekit.db import columns_of, table_of


async def add(session: AsyncSession, row: Loan) -> None:
    await session.execute(insert(table_of(Loan)).values(**columns_of(row)))


async def get(session: AsyncSession, loan_id: str) -> Loan | None:
    return (await session.execute(select(Loan).where(Loan.loan_id == loan_id))).scalar_one_or_none()


async def project_owner(session: AsyncSession, project_id: str) -> str | None:
    return await session.scalar(select(KnownProject.uscc).where(KnownProject.project_id == project_id))


async def decide(
    session: AsyncSession,
    loan_id: str,
    *,
    status: str,
    at: datetime,
    amount_fen: int | None,
    annual_rate: Decimal | None,
    term_months: int | None,
    reason: str | None,
) -> None:
    values = {
        "status": status,
        "decided_at": at,
        "amount_fen": amount_fen,
        "annual_rate": annual_rate,
        "approved_term_months": term_months,
        "rejection_reason": reason,
    }
    await session.execute(update(table_of(Loan)).where(table_of(Loan).c.loan_id == loan_id).values(**values))


async def set_status(session: AsyncSession, loan_id: str, status: str, **dates: date) -> None:
    await session.execute(
        update(table_of(Loan)).where(table_of(Loan).c.loan_id == loan_id).values(status=status, **dates)
    )


async def find(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    uscc: str | None,
    bank_id: str | None,
    status: str | None,
    limit: int,
) -> list[Loan]:
    query = select(Loan).order_by(col(Loan.applied_at).desc()).limit(limit)
    if districts is not None:
        query = query.where(col(Loan.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Loan.uscc == uscc)
    if bank_id is not None:
        query = query.where(Loan.bank_id == bank_id)
    if status is not None:
        query = query.where(Loan.status == status)
    return list((await session.execute(query)).scalars())
