"""The two queries every read-model router makes: a page of rows, and one row in the caller's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, ColumnElement, Table, func, select

from contracts.api.identity import TokenClaims
from servicekit.auth import require_district
from servicekit.errors import NotFound
from servicekit.uow import UnitOfWork


async def page(
    uow: UnitOfWork, table: Table, where: list[ColumnElement[bool]], order_by: list[Any], limit: int, offset: int
) -> tuple[int, list[Any]]:
    """(total matching, the rows of this page)."""
    async with uow:
        total = await uow.session.scalar(select(func.count()).select_from(table).where(*where))
        rows = (
            await uow.session.execute(select(table).where(*where).order_by(*order_by).limit(limit).offset(offset))
        ).all()
    return int(total or 0), list(rows)


async def one_in_scope(uow: UnitOfWork, actor: TokenClaims, key: Column[Any], value: str, what: str) -> Any:
    """The row whose `key` is `value`: 404 if this service has not learnt of it, 403 outside the caller's units."""
    async with uow:
        row = (await uow.session.execute(select(key.table).where(key == value))).first()
    if row is None:
        raise NotFound(f"{what} is not (yet) known to this service")
    require_district(actor, row.district_code)
    return row
