"""The FastAPI dependencies every route uses, declared once as `Annotated` aliases.

A feature declares its own role sets the same way:
`Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from contracts.api.identity import Role, TokenClaims
from servicekit.app import get_bulk_uow, get_uow
from servicekit.auth import allow, authenticated
from servicekit.uow import UnitOfWork

Uow = Annotated[UnitOfWork, Depends(get_uow)]
"""A fresh unit of work; the route opens it (`async with uow:`) and commits it."""

BulkUow = Annotated[UnitOfWork, Depends(get_bulk_uow)]
"""The same, for a write of thousands of rows in one transaction (a pushed batch, an import): on SQLite it runs
on the bulk connection, with its large page cache, after the bulk write ahead of it (servicekit.app.bulk_engine)."""

Actor = Annotated[TokenClaims, Depends(authenticated)]
"""Any caller with a verified token."""

CityActor = Annotated[TokenClaims, Depends(allow(Role.CITY))]
"""The city authority (市经济信息委) only."""
