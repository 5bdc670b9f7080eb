"""Indexer tables (typed rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from readmodels.models import KnownLevelChangeFields
from servicekit.db import UTCDateTime
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
