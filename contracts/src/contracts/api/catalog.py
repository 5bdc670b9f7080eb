"""Catalog API objects: 小快轻准 solutions and their listing workflow, search, and provider ratings.

Money is in fen (分, integers); the programme discount (让利) is a percentage off the list price. Scenes are
the 16 business scenes of the MIIT 2024 scheme (`contracts.codes.miit_scenes`); categories are data
(`contracts.codes.solution_categories`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, model_validator

from contracts.api.base import InputModel
from contracts.api.finance import Fen
from contracts.codes import industry_division_of, miit_scenes, solution_categories, sub_industries
from contracts.fields import USCC


def _scene(value: str) -> str:
    if value not in miit_scenes():
        raise ValueError(f"unknown scene {value!r}; one of: {', '.join(miit_scenes())}")
    return value


def _category(value: str) -> str:
    if value not in solution_categories():
        raise ValueError(f"unknown category {value!r}; one of: {', '.join(solution_categories())}")
    return value


def _industry(value: str) -> str:
    value = value.upper()
    if value in sub_industries() or industry_division_of(value) is not None:
        return value
    raise ValueError(f"{value!r} is neither a GB/T 4754 manufacturing code (C13-C43, C367, C3670) nor a sub-industry")


SceneId = Annotated[str, AfterValidator(_scene), Field(description="an MIIT 2024 business scene id, e.g. equipment")]
CategoryId = Annotated[str, AfterValidator(_category), Field(description="a solution category id, e.g. mes")]
IndustryRef = Annotated[
    str, AfterValidator(_industry), Field(description="GB/T 4754 division/group/class (C36, C367) or SUB-…")
]
ItemId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$", description="a scheme item id")]
Percent = Annotated[Decimal, Field(ge=0, le=90, max_digits=5, decimal_places=2)]
Text = Annotated[str, Field(min_length=2, max_length=500)]


class Delivery(StrEnum):
    SAAS = "saas"
    PRIVATE_CLOUD = "private_cloud"
    ON_PREMISES = "on_premises"


CLOUD_DELIVERIES = frozenset({Delivery.SAAS, Delivery.PRIVATE_CLOUD})  # count toward 上云用云


class SolutionStatus(StrEnum):
    SUBMITTED = "submitted"  # first version in review, never listed
    REJECTED = "rejected"  # first version rejected (a new version may be submitted)
    LISTED = "listed"
    SUSPENDED = "suspended"  # by the city, with a reason; the provider may appeal
    DELISTED = "delisted"  # for good


class RevisionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # replaced by a newer edit before review


class SceneLift(InputModel):
    scene: SceneId
    to_level: int = Field(ge=1, le=4, description="the level the solution lifts this scene to (一级–四级)")


class PriceTier(InputModel):
    name: str = Field(min_length=1, max_length=60)
    price_fen: Fen
    unit: str = Field("per year", min_length=1, max_length=40, description="e.g. per year, per seat per year, once")


class SolutionContent(InputModel):
    """What a provider submits about a solution (each edit is a new revision, reviewed by the city)."""

    name: str = Field(min_length=2, max_length=120)
    description: str = Field(min_length=10, max_length=5000)
    category: CategoryId
    delivery: list[Delivery] = Field(min_length=1, max_length=3)
    scenes: list[SceneLift] = Field(min_length=1, max_length=16)
    items: list[ItemId] = Field(default_factory=list, max_length=60, description="scheme items it improves")
    industries: list[IndustryRef] = Field(
        default_factory=list, max_length=60, description="target industries; empty = all manufacturing"
    )
    price_tiers: list[PriceTier] = Field(min_length=1, max_length=10)
    discount_pct: Percent = Field(Decimal(0), description="programme discount (让利), percent off the list price")
    deploy_days: int = Field(ge=1, le=730, description="time to deploy, days")
    reference_customers: list[USCC] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _no_repeats(self) -> SolutionContent:
        for field, values in (("scenes", [s.scene for s in self.scenes]), ("delivery", self.delivery)):
            if len(set(values)) != len(values):
                raise ValueError(f"{field}: each value once")
        return self


class SolutionRevisionRead(BaseModel):
    revision: int
    state: RevisionState
    content: SolutionContent
    submitted_at: datetime
    submitted_by: str
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    review_reasons: list[str] = []


class SolutionRead(BaseModel):
    """A solution: the listed version everyone sees; its owner and the city also see the one in review."""

    solution_id: str
    provider_id: str
    status: SolutionStatus
    listed: SolutionRevisionRead | None = None
    pending: SolutionRevisionRead | None = Field(None, description="the version in review (owner and city only)")
    last_rejection: SolutionRevisionRead | None = Field(None, description="owner and city only")
    listed_at: datetime | None = None
    review_due: date | None = Field(None, description="the annual review is due by this date")
    suspension_reason: str | None = None
    appeal: str | None = None
    appealed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class SolutionSummary(BaseModel):
    """A listed solution as search shows it."""

    solution_id: str
    provider_id: str
    name: str
    category: str
    delivery: list[Delivery]
    scenes: dict[str, int] = Field(description="scene id → the level it lifts it to")
    industries: list[str]
    lowest_price_fen: int
    discount_pct: Decimal
    price_after_discount_fen: int = Field(description="lowest tier after the discount, rounded down to the fen")
    deploy_days: int
    review_due: date | None


class SolutionPage(BaseModel):
    items: list[SolutionSummary]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last")


class ReviewDecision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class SolutionReview(InputModel):
    """The city's decision on the revision in review; a rejection gives its reasons."""

    revision: int = Field(ge=1, le=10**6, description="the revision reviewed (guards against a newer edit)")
    decision: ReviewDecision
    reasons: list[Text] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _reasons_for_rejection(self) -> SolutionReview:
        if self.decision is ReviewDecision.REJECT and not self.reasons:
            raise ValueError("reasons: a rejection needs at least one reason")
        return self


class StatusReason(InputModel):
    reason: Text


class AppealCreate(InputModel):
    statement: str = Field(min_length=2, max_length=2000)


class AppealOutcome(StrEnum):
    REINSTATE = "reinstate"
    UPHOLD = "uphold"


class AppealDecision(InputModel):
    outcome: AppealOutcome
    reason: Text


class ReviewQueueEntry(BaseModel):
    """Work for the city: a revision waiting for review, or a listing whose annual review is due."""

    solution_id: str
    provider_id: str
    status: SolutionStatus
    name: str
    why: str = Field(description="pending_revision or annual_review")
    revision: int | None = None
    since: datetime | None = None
    review_due: date | None = None


class ProviderRating(BaseModel):
    """A provider's standing in the catalogue (0-100) and what it is made of."""

    provider_id: str
    name: str | None
    status: str | None
    score: Decimal = Field(description="0-100, one decimal: see `components` and docs/catalog.md")
    components: dict[str, Decimal]
    verified_outcomes: int
    improved_outcomes: int
    ratings: int
    average_stars: Decimal | None
    unresolved_complaints: int
    data_quality: Decimal | None = Field(description="the registry's push data-quality score, 0-100")
    listed_solutions: int
