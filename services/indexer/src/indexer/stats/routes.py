"""Indexer HTTP routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.stats import DistrictStats, IndustryStats, LevelStats
from indexer.stats import service
from servicekit.auth import allow
from servicekit.deps import Uow
from servicekit.sqlite import reads_on_thread

# Reads over every enterprise: on the database connection's thread, so the loop keeps serving meanwhile.
router = APIRouter(prefix="/v1/stats", tags=["statistics"], dependencies=[Depends(reads_on_thread)])
Readers = Annotated[TokenClaims, Depends(allow(Role.CITY, Role.DISTRICT, Role.OPS))]  # rankings are shared


@router.get("/districts", response_model=DistrictStats)
async def get_district_stats(uow: Uow, _: Readers) -> DistrictStats:
    """Registered enterprises per district unit: all 41, zero included."""
    async with uow:
        return await service.districts(uow)


@router.get("/industries", response_model=IndustryStats)
async def get_industry_stats(uow: Uow, _: Readers) -> IndustryStats:
    """Registered enterprises per GB/T 4754-2017 manufacturing division, zero included."""
    async with uow:
        return await service.industries(uow)


@router.get("/activities")
async def get_activity_stats(uow: Uow, _: Readers, year: int = Query(..., ge=2024, le=2100)) -> dict[str, Any]:
    """Enablement-centre services (家次), events and trainings (场次), people trained (人次) per unit,
    with city totals against the work-plan targets of that year."""
    async with uow:
        return await service.activities(uow, year)


@router.get("/projects")
async def get_project_stats(uow: Uow, _: Readers) -> dict[str, Any]:
    """Transformation projects per current stage (all 8), and per unit."""
    async with uow:
        return await service.projects(uow)


@router.get("/levels", response_model=LevelStats)
async def get_level_stats(uow: Uow, _: Readers) -> LevelStats:
    """Enterprises per digital level (latest final assessment) in every unit, and the share at 二级 or above."""
    async with uow:
        return await service.levels(uow)
