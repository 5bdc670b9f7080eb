"""The FastAPI dependencies every route uses, declared once as `Annotated` aliases.

A feature declares its own role sets the same way:
`Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT))]`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from contracts.api.identity import Role, TokenClaims
from servicekit.app import get_uow
from servicekit.auth import allow, authenticated
from servicekit.uow import UnitOfWork

Uow = Annotated[UnitOfWork, Depends(get_uow)]
"""A fresh unit of work; the route opens it (`async with uow:`) and commits it."""

Actor = Annotated[TokenClaims, Depends(authenticated)]
"""Any caller with a verified token."""

CityActor = Annotated[TokenClaims, Depends(allow(Role.CITY))]
"""The city authority (市经济信息委) only."""
