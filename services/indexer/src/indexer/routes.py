"""Indexer HTTP routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from contracts.api.identity import Role, TokenClaims
from contracts.api.stats import DistrictStats, IndustryStats
from indexer import repository
from indexer.domain import DISTRICT, DIVISION, district_stats, industry_stats
from servicekit.app import get_uow
from servicekit.auth import allow
from servicekit.uow import UnitOfWork

router = APIRouter(prefix="/v1/stats", tags=["statistics"])
READERS = allow(Role.CITY, Role.DISTRICT, Role.OPS)  # district rankings are shared among the units


@router.get("/districts", response_model=DistrictStats)
async def get_district_stats(uow: UnitOfWork = Depends(get_uow), _: TokenClaims = Depends(READERS)) -> DistrictStats:
    """Registered enterprises per district unit: all 41, zero included."""
    async with uow:
        return district_stats(await repository.counts(uow.session, DISTRICT))


@router.get("/industries", response_model=IndustryStats)
async def get_industry_stats(uow: UnitOfWork = Depends(get_uow), _: TokenClaims = Depends(READERS)) -> IndustryStats:
    """Registered enterprises per GB/T 4754-2017 manufacturing division, zero included."""
    async with uow:
        return industry_stats(await repository.counts(uow.session, DIVISION))
