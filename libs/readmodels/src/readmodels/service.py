"""The two reads every read-model router makes: a page of rows, and one row in the caller's scope."""

from __future__ import annotations

from typing import Any

from contracts.api.identity import TokenClaims
from readmodels import repository
from servicekit.auth import require_district
from servicekit.errors import NotFound
from servicekit.uow import UnitOfWork


async def page(
    uow: UnitOfWork, model: Any, where: list[Any], order_by: list[Any], limit: int, offset: int
) -> tuple[int, list[Any]]:
    """(total matching, the typed rows of this page)."""
    async with uow:
        return await repository.page(uow.session, model, where, order_by, limit, offset)


async def one_in_scope(uow: UnitOfWork, actor: TokenClaims, model: Any, key: Any, value: str, what: str) -> Any:
    """The row whose `key` is `value`: 404 if this service has not learnt of it, 403 outside the caller's units."""
    async with uow:
        row = await repository.one(uow.session, model, key, value)
    if row is None:
        raise NotFound(f"{what} is not (yet) known to this service")
    require_district(actor, row.district_code)
    return row
