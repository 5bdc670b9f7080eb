"""Indexer tables."""

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

from readmodels.levels import level_changes_table
from servicekit.db import UTCDateTime
from servicekit.tables import runtime_tables

metadata = MetaData()
tables = runtime_tables(metadata)

# One counter per (dimension, code): dimension "district" (41 units) or "division" (GB/T 4754).
enterprise_counts = Table(
    "enterprise_counts",
    metadata,
    Column("dimension", String(16), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("enterprises", BigInteger, nullable=False),
)

# Programme activities per year, unit and metric (enablement_services 家次, events_and_trainings 场次,
# people_trained 人次), kept from registry.activity.recorded.
activity_totals = Table(
    "activity_totals",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("district_code", String(8), primary_key=True),
    Column("metric", String(32), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# Transformation projects per unit and current stage, kept from the registry's project events.
project_stage_counts = Table(
    "project_stage_counts",
    metadata,
    Column("district_code", String(8), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("projects", BigInteger, nullable=False),
)

# Each enterprise's latest final digital level (from assessment.assessment.finalised).
enterprise_levels = Table(
    "enterprise_levels",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("district_code", String(8), nullable=False, index=True),
    Column("level", Integer, nullable=False),
    Column("assessment_id", String(40), nullable=False),
    Column("finalised_at", UTCDateTime(), nullable=False),
)

# Projects' T0→T1 level changes (from assessment.project.level-changed).
level_changes = level_changes_table(metadata)
