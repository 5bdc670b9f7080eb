"""Adoption API objects: an enterprise adopted a listed solution, its verified outcomes, its rating of the
provider, and complaints with their resolution."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.catalog import Delivery
from contracts.fields import USCC

Figure = Decimal


class AdoptionCreate(InputModel):
    """An enterprise adopted a solution (a provider records it for its own solution, with the project)."""

    uscc: USCC | None = Field(None, description="required unless the caller is the enterprise itself")
    solution_id: str = Field(min_length=3, max_length=40)
    project_id: str | None = Field(None, min_length=1, max_length=40)
    delivery: Delivery
    adopted_on: date


class OutcomeMetric(StrEnum):
    """Before/after figures in the style of the 小灯塔 indicators (附件4): what fell or rose."""

    EFFICIENCY = "efficiency"  # output per hour, higher is better
    COST = "cost"  # operating cost, lower is better
    DEFECT_RATE = "defect_rate"  # lower is better
    ENERGY = "energy"  # energy per unit of output, lower is better
    DELIVERY_TIME = "delivery_time"  # order-to-delivery, lower is better


LOWER_IS_BETTER = frozenset(
    {OutcomeMetric.COST, OutcomeMetric.DEFECT_RATE, OutcomeMetric.ENERGY, OutcomeMetric.DELIVERY_TIME}
)


class OutcomeCreate(InputModel):
    metric: OutcomeMetric
    unit: str = Field(min_length=1, max_length=40)
    before: Figure = Field(gt=0, le=10**12, max_digits=18, decimal_places=4)
    after: Figure = Field(ge=0, le=10**12, max_digits=18, decimal_places=4)
    measured_on: date
    note: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _plausible(self) -> OutcomeCreate:
        if self.after > self.before * 100:
            raise ValueError("after: more than a hundred times `before`: check the unit")
        return self


class OutcomeRead(BaseModel):
    outcome_id: str
    adoption_id: str
    metric: OutcomeMetric
    unit: str
    before: Decimal
    after: Decimal
    improvement_pct: Decimal = Field(description="the improvement in percent (positive = better), one decimal")
    measured_on: date
    note: str | None
    recorded_by: str
    recorded_at: datetime
    verified_by: str | None
    verified_at: datetime | None


class RatingCreate(InputModel):
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=1000)


class RatingRead(BaseModel):
    adoption_id: str
    provider_id: str
    stars: int
    comment: str | None
    rated_at: datetime


class AdoptionRead(BaseModel):
    adoption_id: str
    uscc: str
    district_code: str
    solution_id: str
    solution_name: str
    provider_id: str
    project_id: str | None
    delivery: Delivery
    cloud: bool = Field(description="SaaS or private cloud: counts toward 上云用云")
    adopted_on: date
    recorded_by: str
    created_at: datetime
    notice: str | None = Field(None, description="e.g. the solution was suspended, with the city's reason")
    notice_at: datetime | None = None
    outcomes: list[OutcomeRead] = []
    rating: RatingRead | None = None


class ComplaintCreate(InputModel):
    adoption_id: str = Field(min_length=3, max_length=40)
    text: str = Field(min_length=5, max_length=2000)


class ComplaintResolution(InputModel):
    resolution: str = Field(min_length=2, max_length=2000)
    upheld: bool = Field(description="the complaint was justified")


class ComplaintRead(BaseModel):
    complaint_id: str
    adoption_id: str
    uscc: str
    district_code: str
    provider_id: str
    solution_id: str
    text: str
    filed_by: str
    filed_at: datetime
    resolution: str | None
    upheld: bool | None
    resolved_by: str | None
    resolved_at: datetime | None
