"""Demand-side API objects: demands (posted, or derived from an assessment), matches, the supply-demand view."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, Field

from contracts.api.base import InputModel
from contracts.api.catalog import ItemId, SceneId
from contracts.api.finance import Fen
from contracts.fields import USCC


class DemandSource(StrEnum):
    POSTED = "posted"  # by the enterprise, or its district authority on its behalf
    ASSESSMENT = "assessment"  # derived from the enterprise's latest finalised assessment


class DemandStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class DemandCreate(InputModel):
    """What an enterprise needs; a district authority names the enterprise (`uscc`), an enterprise may not."""

    uscc: USCC | None = None
    scenes: list[SceneId] = Field(min_length=1, max_length=16)
    items: list[ItemId] = Field(default_factory=list, max_length=60)
    budget_fen: Fen | None = None
    needed_by: date | None = None
    note: str | None = Field(None, max_length=1000)


class DemandRead(BaseModel):
    demand_id: str
    uscc: str
    district_code: str
    sub_industry: str | None
    industry_code: str | None
    source: DemandSource
    assessment_id: str | None
    scenes: list[str]
    items: list[str]
    budget_fen: int | None
    needed_by: date | None
    note: str | None
    status: DemandStatus
    posted_by: str
    created_at: datetime
    updated_at: datetime


class DemandClosure(InputModel):
    reason: str = Field(min_length=2, max_length=500)


class MatchReason(BaseModel):
    """One reason a solution fits, in words a district official understands, and the points it adds."""

    kind: str = Field(description="scene, item, industry, outcome, rating, discount, budget, complaints, quality")
    points: Decimal
    zh: str
    en: str


class Match(BaseModel):
    rank: int
    solution_id: str
    provider_id: str
    name: str
    category: str
    score: Decimal
    addresses: list[str] = Field(description="the weak scenes it serves")
    price_after_discount_fen: int
    reasons: list[MatchReason]


class MatchList(BaseModel):
    """Listed solutions ranked for one enterprise, and what the ranking was based on."""

    uscc: str
    method_version: int = Field(description="the matching weights' version (data, docs/catalog.md)")
    based_on: str = Field(description="assessment, demands, or profile (neither: industry only)")
    assessment_id: str | None
    weak_scenes: list[str]
    weak_items: list[str]
    budget_fen: int | None
    matches: list[Match]


class SceneBalance(BaseModel):
    scene: str
    scene_name: str
    demand_enterprises: int = Field(description="enterprises with an open demand naming the scene")
    demand_budget_fen: int = Field(description="their budgets, each split evenly over the scenes it names")
    listed_solutions: int = Field(description="listed solutions serving the scene and fitting the industry")
    proven_solutions: int = Field(description="of which with a verified outcome in this industry")
    gap: bool = Field(description="demand without good supply: fewer proven solutions than the threshold")


class ProcurementLot(BaseModel):
    """Recurring demand worth a volume procurement (带量采购): one scene, many enterprises."""

    scene: str
    scene_name: str
    enterprises: int
    budget_fen: int
    districts: int


class SupplyDemandView(BaseModel):
    industry: str = Field(description="the sub-industry (SUB-…) or GB/T 4754 division the view is for")
    district_code: str | None = Field(None, description="a district authority sees its own unit")
    scenes: list[SceneBalance]
    procurement: list[ProcurementLot]
    thresholds: dict[str, int]
