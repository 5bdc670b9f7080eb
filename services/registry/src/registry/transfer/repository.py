"""Every query of the bulk import: the stored import reports."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from registry.models import Import
from servicekit.db import table_of


async def add_import(session: AsyncSession, row: Import) -> None:
    await session.execute(insert(table_of(Import)).values(**row.model_dump()))


async def get_import(session: AsyncSession, import_id: str) -> Import | None:
    return (await session.execute(select(Import).where(Import.import_id == import_id))).scalar_one_or_none()
