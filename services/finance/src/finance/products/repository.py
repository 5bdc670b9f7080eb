"""Every query on product versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, insert
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from finance.models import ProductVersion
from servicekit.db import columns_of, table_of


async def latest(session: AsyncSession, product_id: str) -> ProductVersion | None:
    query = (
        select(ProductVersion)
        .where(ProductVersion.product_id == product_id)
        .order_by(col(ProductVersion.version).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def version(session: AsyncSession, product_id: str, number: int) -> ProductVersion | None:
    query = select(ProductVersion).where(ProductVersion.product_id == product_id, ProductVersion.version == number)
    return (await session.execute(query)).scalar_one_or_none()


def _definition() -> Any:
    """One version's rules (for servicekit.pointread)."""
    t = table_of(ProductVersion)
    version = t.c.version == bindparam("version")
    return sa_select(t.c.definition).where(t.c.product_id == bindparam("product_id"), version)


DEFINITION = _definition()
_PRODUCT = table_of(ProductVersion).c.product_id
PRODUCT_IDS = sa_select(_PRODUCT).distinct().order_by(_PRODUCT)


async def all_latest(session: AsyncSession) -> list[ProductVersion]:
    newest = (
        select(ProductVersion.product_id, func.max(ProductVersion.version).label("version"))
        .group_by(col(ProductVersion.product_id))
        .subquery()
    )
    query = (
        select(ProductVersion)
        .join(
            newest,
            (col(ProductVersion.product_id) == newest.c.product_id) & (col(ProductVersion.version) == newest.c.version),
        )
        .order_by(col(ProductVersion.product_id))
    )
    return list((await session.execute(query)).scalars())


async def add(session: AsyncSession, row: ProductVersion) -> None:
    await session.execute(insert(table_of(ProductVersion)).values(**columns_of(row)))
