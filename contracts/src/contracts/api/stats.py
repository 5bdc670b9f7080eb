"""Indexer statistics objects."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DistrictCount(BaseModel):
    district_code: str
    district_name: str
    enterprises: int


class DistrictStats(BaseModel):
    total: int
    districts: list[DistrictCount]


class IndustryCount(BaseModel):
    industry_division: str
    industry_name: str
    enterprises: int


class IndustryStats(BaseModel):
    total: int
    industries: list[IndustryCount]


class DistrictLevels(BaseModel):
    district_code: str
    district_name: str
    assessed: int = Field(description="enterprises with a final assessment")
    by_level: dict[str, int] = Field(description="'0' (below 一级) to '4' → enterprises at that level now")
    level_2_or_above: int
    share_level_2_or_above: float | None = Field(description="of the assessed; the programme steers by it")


class LevelStats(BaseModel):
    """Digital levels from each enterprise's latest final assessment."""

    assessed: int
    level_2_or_above: int
    districts: list[DistrictLevels]
