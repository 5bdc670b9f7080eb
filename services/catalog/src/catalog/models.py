"""Catalog tables (typed rows): solutions and their revisions, the search index, demands, adoptions with
outcomes, ratings and complaints, and what the catalog keeps of other services' events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from readmodels.models import KnownEnterpriseFields, KnownProjectFields
from servicekit.db import DecimalText, JSONText, UTCDateTime
from servicekit.tables import runtime_tables

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # a score's time before any arrived (so a newer one always wins)


class CatalogTable(SQLModel, registry=registry()):
    """Base of every catalog table: the catalog's own metadata (one database per service)."""


metadata = CatalogTable.metadata
tables = runtime_tables(metadata)


class KnownProject(KnownProjectFields, CatalogTable, table=True):
    __tablename__ = "known_projects"


class EnterpriseProfile(KnownEnterpriseFields, CatalogTable, table=True):
    """An enterprise as the catalog knows it from the registry's enterprise events: the shared read model
    (GET /v1/known-enterprises) and what matching needs, in one row (readmodels.handlers)."""

    __tablename__ = "enterprise_profiles"

    industry_code: str = Field(sa_type=String(8))
    sub_industry: str | None = Field(default=None, sa_type=String(24))


class LatestAssessment(CatalogTable, table=True):
    """An enterprise's latest finalised assessment: its level, scene levels and the weakest scenes/items."""

    __tablename__ = "latest_assessments"

    uscc: str = Field(primary_key=True, sa_type=String(18))
    assessment_id: str = Field(sa_type=String(40))
    finalised_at: datetime = Field(sa_type=UTCDateTime())
    level: int = Field(sa_type=Integer)
    scene_levels: dict[str, int] = Field(sa_type=JSONText(dict[str, int]))
    weak_scenes: list[str] = Field(sa_type=JSONText(list[str]))
    weak_items: list[str] = Field(sa_type=JSONText(list[str]))


class KnownProvider(CatalogTable, table=True):
    """A provider as the registry announced it, with its latest published data-quality score."""

    __tablename__ = "known_providers"

    provider_id: str = Field(primary_key=True, sa_type=String(40))
    name: str | None = Field(default=None, sa_type=String(200))
    status: str = Field(default="applied", sa_type=String(16))
    quality_score: Decimal | None = Field(default=None, sa_type=DecimalText(8))
    quality_at: datetime = Field(default=NEVER, sa_type=UTCDateTime(), description="NEVER until a score arrives")


class Solution(CatalogTable, table=True):
    """A solution and its listed content, flattened for search and matching (the revision table has all)."""

    __tablename__ = "solutions"

    solution_id: str = Field(primary_key=True, sa_type=String(40))
    provider_id: str = Field(sa_type=String(40), index=True)
    status: str = Field(sa_type=String(16), index=True)
    listed_revision: int | None = Field(default=None, sa_type=Integer)
    pending_revision: int | None = Field(default=None, sa_type=Integer)
    rejected_revision: int | None = Field(default=None, sa_type=Integer)
    name: str = Field(sa_type=String(120))
    category: str = Field(sa_type=String(24))
    delivery: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    scenes: dict[str, int] = Field(default_factory=dict, sa_type=JSONText(dict[str, int]))
    items: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    industries: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    lowest_price_fen: int = Field(default=0, sa_type=BigInteger)
    discount_pct: Decimal = Field(default=Decimal(0), sa_type=DecimalText(8))
    discount_centi: int = Field(default=0, sa_type=Integer, description="discount_pct × 100 (for filtering)")
    price_after_discount_fen: int = Field(default=0, sa_type=BigInteger)
    deploy_days: int = Field(default=0, sa_type=Integer)
    search_text: str = Field(default="", sa_type=Text, description="name and description, normalised")
    listed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    review_due: date | None = Field(default=None, sa_type=Date)
    suspension_reason: str | None = Field(default=None, sa_type=Text)
    appeal: str | None = Field(default=None, sa_type=Text)
    appealed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class SolutionRevision(CatalogTable, table=True):
    """One submitted version of a solution, with the city's review."""

    __tablename__ = "solution_revisions"

    solution_id: str = Field(primary_key=True, sa_type=String(40))
    revision: int = Field(primary_key=True, sa_type=Integer)
    state: str = Field(sa_type=String(16))
    content: dict[str, Any] = Field(sa_type=JSONText(dict[str, Any]))
    submitted_at: datetime = Field(sa_type=UTCDateTime())
    submitted_by: str = Field(sa_type=String(64))
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    reviewed_by: str | None = Field(default=None, sa_type=String(64))
    review_reasons: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))


class SolutionTerm(CatalogTable, table=True):
    """The search index of listed solutions: Chinese bigrams and lower-cased words of name and description."""

    __tablename__ = "solution_terms"

    term: str = Field(primary_key=True, sa_type=String(64))
    solution_id: str = Field(primary_key=True, sa_type=String(40), index=True)


class SolutionScene(CatalogTable, table=True):
    """The scenes listed solutions serve (supply counts and the scene filter)."""

    __tablename__ = "solution_scenes"

    scene: str = Field(primary_key=True, sa_type=String(24))
    solution_id: str = Field(primary_key=True, sa_type=String(40), index=True)
    to_level: int = Field(sa_type=Integer)


class Demand(CatalogTable, table=True):
    """A demand: posted, or derived from the enterprise's latest finalised assessment (one per enterprise)."""

    __tablename__ = "demands"
    __table_args__ = (UniqueConstraint("derived_for", name="uq_demands_derived_for"),)

    demand_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    sub_industry: str | None = Field(default=None, sa_type=String(24))
    industry_code: str | None = Field(default=None, sa_type=String(8))
    source: str = Field(sa_type=String(16))
    derived_for: str | None = Field(default=None, sa_type=String(18), description="uscc of a derived demand")
    assessment_id: str | None = Field(default=None, sa_type=String(40))
    assessed_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    scenes: list[str] = Field(sa_type=JSONText(list[str]))
    items: list[str] = Field(default_factory=list, sa_type=JSONText(list[str]))
    budget_fen: int | None = Field(default=None, sa_type=BigInteger)
    needed_by: date | None = Field(default=None, sa_type=Date)
    note: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="open", sa_type=String(16))
    closed_reason: str | None = Field(default=None, sa_type=Text)
    posted_by: str = Field(sa_type=String(64))
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())


class DemandScene(CatalogTable, table=True):
    """One scene of an open demand, with its share of the budget (the supply-demand view sums these)."""

    __tablename__ = "demand_scenes"
    __table_args__ = (Index("ix_demand_scenes_industry", "sub_industry", "industry_division", "scene"),)

    demand_id: str = Field(primary_key=True, sa_type=String(40))
    scene: str = Field(primary_key=True, sa_type=String(24))
    uscc: str = Field(sa_type=String(18))
    district_code: str = Field(sa_type=String(8))
    sub_industry: str | None = Field(default=None, sa_type=String(24))
    industry_division: str | None = Field(default=None, sa_type=String(3))
    budget_share_fen: int = Field(default=0, sa_type=BigInteger)


class Adoption(CatalogTable, table=True):
    """An enterprise adopted a solution (once per enterprise and solution)."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("uscc", "solution_id", name="uq_adoptions_uscc_solution"),)

    adoption_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    sub_industry: str | None = Field(default=None, sa_type=String(24))
    solution_id: str = Field(sa_type=String(40), index=True)
    provider_id: str = Field(sa_type=String(40), index=True)
    project_id: str | None = Field(default=None, sa_type=String(40))
    delivery: str = Field(sa_type=String(16))
    cloud: bool
    adopted_on: date = Field(sa_type=Date)
    recorded_by: str = Field(sa_type=String(64))
    created_at: datetime = Field(sa_type=UTCDateTime())
    notice: str | None = Field(default=None, sa_type=Text)
    notice_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class Outcome(CatalogTable, table=True):
    """A before/after figure of an adoption; it counts once the district verified it."""

    __tablename__ = "outcomes"

    outcome_id: str = Field(primary_key=True, sa_type=String(40))
    adoption_id: str = Field(sa_type=String(40), index=True)
    solution_id: str = Field(sa_type=String(40), index=True)
    provider_id: str = Field(sa_type=String(40), index=True)
    sub_industry: str | None = Field(default=None, sa_type=String(24))
    metric: str = Field(sa_type=String(16))
    unit: str = Field(sa_type=String(40))
    before: Decimal = Field(sa_type=DecimalText(24))
    after: Decimal = Field(sa_type=DecimalText(24))
    improvement_pct: Decimal = Field(sa_type=DecimalText(24))
    improved: bool = Field(description="improvement_pct > 0")
    measured_on: date = Field(sa_type=Date)
    note: str | None = Field(default=None, sa_type=Text)
    recorded_by: str = Field(sa_type=String(64))
    recorded_at: datetime = Field(sa_type=UTCDateTime())
    verified_by: str | None = Field(default=None, sa_type=String(64))
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class Rating(CatalogTable, table=True):
    """An enterprise's rating of the provider of a solution it adopted (one per adoption; a new one replaces)."""

    __tablename__ = "ratings"

    adoption_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18))
    provider_id: str = Field(sa_type=String(40), index=True)
    solution_id: str = Field(sa_type=String(40))
    stars: int = Field(sa_type=Integer)
    comment: str | None = Field(default=None, sa_type=Text)
    rated_at: datetime = Field(sa_type=UTCDateTime())


class Complaint(CatalogTable, table=True):
    __tablename__ = "complaints"

    complaint_id: str = Field(primary_key=True, sa_type=String(40))
    adoption_id: str = Field(sa_type=String(40), index=True)
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    provider_id: str = Field(sa_type=String(40), index=True)
    solution_id: str = Field(sa_type=String(40))
    text: str = Field(sa_type=Text)
    filed_by: str = Field(sa_type=String(64))
    filed_at: datetime = Field(sa_type=UTCDateTime())
    resolution: str | None = Field(default=None, sa_type=Text)
    upheld: bool | None = None
    resolved_by: str | None = Field(default=None, sa_type=String(64))
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class CatalogVersion(CatalogTable, table=True):
    """One row, bumped by every change that moves a ranking (listings, providers, outcomes, ratings,
    complaints): each process rebuilds its in-memory matching index when it sees a new value."""

    __tablename__ = "catalog_version"

    id: int = Field(primary_key=True, sa_type=Integer)
    version: int = Field(sa_type=Integer)
