"""Indexer HTTP routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query

from contracts.api.identity import Role, TokenClaims
from contracts.api.stats import DistrictStats, IndustryStats, LevelStats
from indexer import repository
from indexer.domain import DISTRICT, DIVISION, district_stats, industry_stats
from indexer.levels import level_stats
from indexer.programme import activity_report, stage_report
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


@router.get("/activities")
async def get_activity_stats(
    year: int = Query(..., ge=2024, le=2100), uow: UnitOfWork = Depends(get_uow), _: TokenClaims = Depends(READERS)
) -> dict[str, Any]:
    """Enablement-centre services (家次), events and trainings (场次), people trained (人次) per unit,
    with city totals against the work-plan targets of that year."""
    async with uow:
        return activity_report(year, await repository.activity_rows(uow.session, year))


@router.get("/projects")
async def get_project_stats(uow: UnitOfWork = Depends(get_uow), _: TokenClaims = Depends(READERS)) -> dict[str, Any]:
    """Transformation projects per current stage (all 8), and per unit."""
    async with uow:
        return stage_report(await repository.stage_rows(uow.session))


@router.get("/levels", response_model=LevelStats)
async def get_level_stats(uow: UnitOfWork = Depends(get_uow), _: TokenClaims = Depends(READERS)) -> LevelStats:
    """Enterprises per digital level (latest final assessment) in every unit, and the share at 二级 or above."""
    async with uow:
        return await level_stats(uow.session)
