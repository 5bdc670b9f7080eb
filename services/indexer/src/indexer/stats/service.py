"""Indexer use cases: the statistics the routes answer with."""

from __future__ import annotations

from typing import Any

from contracts.api.stats import DistrictStats, IndustryStats, LevelStats
from indexer.stats import repository
from indexer.stats.programme_rules import activity_report, stage_report
from indexer.stats.rules import DISTRICT, DIVISION, district_stats, industry_stats, level_stats
from servicekit.uow import UnitOfWork


async def districts(uow: UnitOfWork) -> DistrictStats:
    return district_stats(await repository.counts(uow.session, DISTRICT))


async def industries(uow: UnitOfWork) -> IndustryStats:
    return industry_stats(await repository.counts(uow.session, DIVISION))


async def activities(uow: UnitOfWork, year: int) -> dict[str, Any]:
    return activity_report(year, await repository.activity_rows(uow.session, year))


async def projects(uow: UnitOfWork) -> dict[str, Any]:
    return stage_report(await repository.stage_rows(uow.session))


async def levels(uow: UnitOfWork) -> LevelStats:
    return level_stats(await repository.level_counts(uow.session))
