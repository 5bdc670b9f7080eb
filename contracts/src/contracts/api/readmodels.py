"""What services other than the owner show of their local read models."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from contracts.api.journey import Stage


class KnownEnterprise(BaseModel):
    """An enterprise as a consuming service knows it from registry events."""

    uscc: str
    name: str
    district_code: str
    industry_division: str
    registered_at: datetime


class ReadModelPage(BaseModel):
    total: int
    items: list[KnownEnterprise]


class KnownProject(BaseModel):
    """A transformation project as a consuming service knows it from registry events."""

    project_id: str
    uscc: str
    district_code: str
    provider_id: str | None = Field(description="null until the creation event has been seen")
    stage: Stage
    seq: int = Field(description="number of the last transition seen (1 = filed)")
    stage_entered_at: datetime
    created_at: datetime | None


class ProjectPage(BaseModel):
    total: int
    items: list[KnownProject]


class KnownLevelChange(BaseModel):
    """A project's T0→T1 digital-level change as a consuming service knows it."""

    project_id: str
    uscc: str
    district_code: str
    scheme_id: str
    scheme_version: int
    t0_assessment_id: str
    t1_assessment_id: str
    t0_level: int
    t1_level: int
    level_delta: int
    t0_total: Decimal
    t1_total: Decimal
    total_delta: Decimal
    reached_level_2: bool
    measured_at: datetime


class LevelChangePage(BaseModel):
    total: int
    items: list[KnownLevelChange]
