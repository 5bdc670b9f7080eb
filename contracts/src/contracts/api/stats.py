"""Indexer statistics objects."""

from __future__ import annotations

from pydantic import BaseModel


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
