"""Indexer tables (typed rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from readmodels.models import KnownLevelChangeFields
from servicekit.db import JSONText, UTCDateTime
from servicekit.tables import runtime_tables


class IndexerTable(SQLModel, registry=registry()):
    """Base of every indexer table: the indexer's own metadata (one database per service)."""


metadata = IndexerTable.metadata
tables = runtime_tables(metadata)


class EnterpriseCount(IndexerTable, table=True):
    """One counter per (dimension, code): dimension "district" (41 units) or "division" (GB/T 4754)."""

    __tablename__ = "enterprise_counts"

    dimension: str = Field(primary_key=True, sa_type=String(16))
    code: str = Field(primary_key=True, sa_type=String(16))
    enterprises: int = Field(sa_type=BigInteger)


class ActivityTotal(IndexerTable, table=True):
    """Programme activities per year, unit and metric (enablement_services 家次, events_and_trainings 场次,
    people_trained 人次), kept from registry.activity.recorded."""

    __tablename__ = "activity_totals"

    year: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    district_code: str = Field(primary_key=True, sa_type=String(8))
    metric: str = Field(primary_key=True, sa_type=String(32))
    value: int = Field(sa_type=BigInteger)


class ProjectStageCount(IndexerTable, table=True):
    """Transformation projects per unit and current stage, kept from the registry's project events."""

    __tablename__ = "project_stage_counts"

    district_code: str = Field(primary_key=True, sa_type=String(8))
    stage: str = Field(primary_key=True, sa_type=String(16))
    projects: int = Field(sa_type=BigInteger)


class EnterpriseLevel(IndexerTable, table=True):
    """Each enterprise's latest final digital level (from assessment.assessment.finalised)."""

    __tablename__ = "enterprise_levels"

    uscc: str = Field(primary_key=True, sa_type=String(18))
    district_code: str = Field(sa_type=String(8), index=True)
    level: int = Field(sa_type=Integer)
    assessment_id: str = Field(sa_type=String(40))
    finalised_at: datetime = Field(sa_type=UTCDateTime())


class KnownLevelChange(KnownLevelChangeFields, IndexerTable, table=True):
    """Projects' T0→T1 level changes (from assessment.project.level-changed)."""

    __tablename__ = "known_level_changes"


class EnterpriseFact(IndexerTable, table=True):
    """What the indexer knows of one enterprise, from every service's events (a row may exist before the
    registration arrives: `version` 0, counted nowhere until then)."""

    __tablename__ = "enterprise_facts"

    uscc: str = Field(primary_key=True, sa_type=String(18))
    district_code: str = Field(sa_type=String(8), index=True)
    industry_division: str | None = Field(default=None, sa_type=String(3))
    key_industry_id: int | None = Field(default=None, sa_type=Integer)
    sub_industry: str | None = Field(default=None, sa_type=String(24), index=True)
    tier: str | None = Field(default=None, sa_type=String(16))
    size_class: str | None = Field(default=None, sa_type=String(8))
    above_scale: bool | None = None
    chain_member: bool = False
    version: int = Field(default=0, sa_type=Integer)
    level: int | None = Field(default=None, sa_type=Integer)
    level_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    stage_seq: int = Field(default=0, sa_type=Integer, description="furthest journey stage reached, 1-8 (0: none)")
    designations: int = Field(default=0, sa_type=Integer, description="active 小灯塔 and benchmark titles")
    demanded: bool = Field(default=False, description="posted a demand, or one was derived for it (catalog)")
    adopted: bool = False
    cloud: bool = False
    loans: int = Field(default=0, sa_type=Integer, description="loans disbursed")
    subsidies: int = Field(default=0, sa_type=Integer, description="transformation subsidies paid")


class AggregateCell(IndexerTable, table=True):
    """Counts per unit × key industry × tier × size × 规上, kept by deltas as facts change (rebuild: the same
    numbers from a GROUP BY over the facts)."""

    __tablename__ = "aggregate_cells"

    district_code: str = Field(primary_key=True, sa_type=String(8))
    key_industry_id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    tier: str = Field(primary_key=True, sa_type=String(16))
    size_class: str = Field(primary_key=True, sa_type=String(8))
    above_scale: str = Field(primary_key=True, sa_type=String(1), description="y, n, or empty when unknown")
    enterprises: int = Field(default=0, sa_type=BigInteger)
    assessed: int = Field(default=0, sa_type=BigInteger)
    level_2_plus: int = Field(default=0, sa_type=BigInteger)
    level_sum: int = Field(default=0, sa_type=BigInteger)
    transformed: int = Field(default=0, sa_type=BigInteger)
    designated: int = Field(default=0, sa_type=BigInteger)
    adopted: int = Field(default=0, sa_type=BigInteger)
    cloud: int = Field(default=0, sa_type=BigInteger)
    with_loans: int = Field(default=0, sa_type=BigInteger)
    with_subsidies: int = Field(default=0, sa_type=BigInteger)
    chain_members: int = Field(default=0, sa_type=BigInteger)


class ProgrammeCounter(IndexerTable, table=True):
    """City-wide counters no enterprise fact holds: listed solutions, approved providers, active titles by kind."""

    __tablename__ = "programme_counters"

    name: str = Field(primary_key=True, sa_type=String(40))
    value: int = Field(default=0, sa_type=BigInteger)


class KnownSolution(IndexerTable, table=True):
    """Catalogue solutions and their status (the 'solutions productised' target counts the listed ones)."""

    __tablename__ = "known_solutions"

    solution_id: str = Field(primary_key=True, sa_type=String(40))
    status: str = Field(sa_type=String(16))


class KnownProvider(IndexerTable, table=True):
    """Providers and their status (the platform-coverage target counts the approved ones)."""

    __tablename__ = "known_providers"

    provider_id: str = Field(primary_key=True, sa_type=String(40))
    status: str = Field(sa_type=String(16))


class FeedSnapshot(IndexerTable, table=True):
    """The unit figures last published on the city feed (a new snapshot goes out only when they change)."""

    __tablename__ = "feed_snapshots"

    district_code: str = Field(primary_key=True, sa_type=String(8))
    figures: dict[str, Any] = Field(sa_type=JSONText(dict[str, Any]))
    published_at: datetime = Field(sa_type=UTCDateTime())


class FeedMilestone(IndexerTable, table=True):
    """A target reached or a pilot rule met, published once on the city feed."""

    __tablename__ = "feed_milestones"

    key: str = Field(primary_key=True, sa_type=String(80))
    published_at: datetime = Field(sa_type=UTCDateTime())


class PublishedIndex(IndexerTable, table=True):
    """A period's development index as published: frozen, later data never changes it."""

    __tablename__ = "published_index"

    period: str = Field(primary_key=True, sa_type=String(8))
    methodology_version: int = Field(sa_type=Integer)
    published_at: datetime = Field(sa_type=UTCDateTime())
    published_by: str = Field(sa_type=String(64))
    answer: dict[str, Any] = Field(sa_type=JSONText(dict[str, Any]), description="the IndexRead as published")
