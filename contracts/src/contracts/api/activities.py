"""Programme activity records: what the work plan's targets count (家次, 场次, 人次)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from contracts.api.base import InputModel
from contracts.fields import USCC, DistrictCode


class ActivityKind(StrEnum):
    ENABLEMENT_SERVICE = "enablement_service"  # 数字化转型赋能中心 serves enterprises: counted in 家次
    EVENT = "event"  # 主题活动: counted in 场次
    TRAINING = "training"  # 培训: 场次, and trained people in 人次


class ActivityCreate(InputModel):
    kind: ActivityKind
    district_code: DistrictCode
    held_on: date
    title: str = Field(min_length=1, max_length=200)
    organiser: str = Field(min_length=1, max_length=200, description="enablement centre, authority or provider")
    enterprises: list[USCC] = Field(default_factory=list, max_length=5000, description="enterprises served")
    participants: int = Field(0, ge=0, le=100_000, description="people trained or attending (人次)")
    external_ref: str | None = Field(None, max_length=100, description="the organiser's own id: re-sending is safe")

    @field_validator("external_ref", mode="after")
    @classmethod
    def _empty_is_absent(cls, value: str | None) -> str | None:
        return value or None  # "" (after stripping) is no id at all

    @model_validator(mode="after")
    def _counts_fit_the_kind(self) -> ActivityCreate:
        if self.kind == ActivityKind.ENABLEMENT_SERVICE and not self.enterprises:
            raise ValueError("an enablement-centre service names the enterprises it served")
        if self.kind == ActivityKind.TRAINING and self.participants == 0:
            raise ValueError("a training has participants (人次)")
        if len(set(self.enterprises)) != len(self.enterprises):
            raise ValueError("an enterprise is listed twice")
        return self


class ActivityRead(ActivityCreate):
    activity_id: str
    recorded_at: datetime
    recorded_by: str
