"""Indexer tables."""

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table

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
