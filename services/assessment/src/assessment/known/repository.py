"""Lookups in the read models the assessment service keeps of the registry's enterprises and projects."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from assessment.models import KnownEnterprise, KnownProject


async def enterprise_unit(session: AsyncSession, uscc: str) -> str | None:
    """The district unit of an enterprise this service has learnt of, or None."""
    district = await session.scalar(select(KnownEnterprise.district_code).where(KnownEnterprise.uscc == uscc))
    return None if district is None else str(district)


async def project_owner(session: AsyncSession, project_id: str) -> str | None:
    """The USCC of a project this service has learnt of, or None."""
    owner = await session.scalar(select(KnownProject.uscc).where(KnownProject.project_id == project_id))
    return None if owner is None else str(owner)
