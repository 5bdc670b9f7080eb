"""Every query on consents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import Consent
from servicekit.db import columns_of, table_of


async def add(session: AsyncSession, row: Consent) -> None:
    await session.execute(insert(table_of(Consent)).values(**columns_of(row)))


async def get(session: AsyncSession, consent_id: str) -> Consent | None:
    return (await session.execute(select(Consent).where(Consent.consent_id == consent_id))).scalar_one_or_none()


async def revoke(session: AsyncSession, consent_id: str, at: datetime, by: str, reason: str) -> None:
    await session.execute(
        update(table_of(Consent))
        .where(table_of(Consent).c.consent_id == consent_id)
        .values(revoked_at=at, revoked_by=by, revocation_reason=reason)
    )


async def active(session: AsyncSession, uscc: str, bank_id: str, product_id: str, today: date) -> Consent | None:
    """A consent of `uscc` for this bank and product, not revoked and not expired."""
    query = (
        select(Consent)
        .where(
            Consent.uscc == uscc,
            Consent.bank_id == bank_id,
            Consent.product_id == product_id,
            col(Consent.revoked_at).is_(None),
            col(Consent.valid_until) >= today,
        )
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def find(
    session: AsyncSession,
    *,
    districts: list[str] | None,
    uscc: str | None,
    bank_id: str | None,
    active_on: date | None,
    limit: int,
) -> list[Consent]:
    query = select(Consent).order_by(col(Consent.granted_at).desc()).limit(limit)
    if districts is not None:
        query = query.where(col(Consent.district_code).in_(districts))
    if uscc is not None:
        query = query.where(Consent.uscc == uscc)
    if bank_id is not None:
        query = query.where(Consent.bank_id == bank_id)
    if active_on is not None:
        query = query.where(col(Consent.revoked_at).is_(None), col(Consent.valid_until) >= active_on)
    return list((await session.execute(query)).scalars())
