"""Events owned by the catalog service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import Field

from contracts.api.adoptions import OutcomeMetric
from contracts.api.catalog import Delivery
from contracts.api.matching import DemandSource
from contracts.envelope import Event
from contracts.fields import USCC, DistrictCode
from contracts.topics import ADOPTIONS, DEMANDS, SOLUTIONS, TopicSpec


class _OfASolution(Event):
    TOPIC: ClassVar[TopicSpec] = SOLUTIONS
    KEY_FIELD: ClassVar[str] = "solution_id"

    solution_id: str
    provider_id: str


class SolutionListed(_OfASolution):
    """The city approved a solution's revision: it is listed (or its listing now shows this revision)."""

    TYPE: ClassVar[str] = "catalog.solution.listed"
    VERSION: ClassVar[int] = 1

    revision: int
    name: str
    category: str
    delivery: list[Delivery]
    scenes: dict[str, int] = Field(description="scene id → the level it lifts it to")
    industries: list[str]
    lowest_price_fen: int
    discount_pct: Decimal
    review_due: date
    listed_at: datetime


class SolutionSuspended(_OfASolution):
    """The city suspended a listed solution: it leaves search and matching; its adopters are told."""

    TYPE: ClassVar[str] = "catalog.solution.suspended"
    VERSION: ClassVar[int] = 1

    reason: str
    adopters: int = Field(ge=0, description="enterprises that adopted it (each told by catalog.adoption.notified)")
    suspended_at: datetime


class SolutionReinstated(_OfASolution):
    """An appeal succeeded: the suspended solution is listed again."""

    TYPE: ClassVar[str] = "catalog.solution.reinstated"
    VERSION: ClassVar[int] = 1

    reason: str
    reinstated_at: datetime


class SolutionDelisted(_OfASolution):
    """A solution left the catalogue for good (by the city, or withdrawn by its provider)."""

    TYPE: ClassVar[str] = "catalog.solution.delisted"
    VERSION: ClassVar[int] = 1

    reason: str
    by_role: str
    delisted_at: datetime


class DemandPosted(Event):
    """An enterprise's demand: posted, or derived (again) from its latest finalised assessment."""

    TYPE: ClassVar[str] = "catalog.demand.posted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[TopicSpec] = DEMANDS
    KEY_FIELD: ClassVar[str] = "uscc"

    demand_id: str
    uscc: USCC
    district_code: DistrictCode
    sub_industry: str | None
    industry_code: str | None
    source: DemandSource
    assessment_id: str | None
    scenes: list[str]
    items: list[str]
    budget_fen: int | None
    posted_at: datetime


class _OfAnAdoption(Event):
    TOPIC: ClassVar[TopicSpec] = ADOPTIONS
    KEY_FIELD: ClassVar[str] = "uscc"

    adoption_id: str
    uscc: USCC
    district_code: DistrictCode
    solution_id: str
    provider_id: str


class AdoptionRecorded(_OfAnAdoption):
    """An enterprise adopted a listed solution (cloud delivery counts toward 上云用云)."""

    TYPE: ClassVar[str] = "catalog.adoption.recorded"
    VERSION: ClassVar[int] = 1

    project_id: str | None
    delivery: Delivery
    cloud: bool
    adopted_on: date
    recorded_at: datetime


class OutcomeVerified(_OfAnAdoption):
    """The district verified an adoption's before/after figure."""

    TYPE: ClassVar[str] = "catalog.outcome.verified"
    VERSION: ClassVar[int] = 1

    outcome_id: str
    sub_industry: str | None
    metric: OutcomeMetric
    before: Decimal
    after: Decimal
    improvement_pct: Decimal
    verified_at: datetime


class ProviderRated(_OfAnAdoption):
    """An enterprise rated the provider of a solution it adopted (1-5; a new rating replaces the old)."""

    TYPE: ClassVar[str] = "catalog.provider.rated"
    VERSION: ClassVar[int] = 1

    stars: int = Field(ge=1, le=5)
    rated_at: datetime


class AdopterNotified(_OfAnAdoption):
    """An adopter is told its solution was suspended or delisted, with the reason."""

    TYPE: ClassVar[str] = "catalog.adoption.notified"
    VERSION: ClassVar[int] = 1

    solution_status: str
    reason: str
    notified_at: datetime
