"""Registry tables."""

from sqlalchemy import Column, Index, Integer, MetaData, String, Table

from servicekit.db import UTCDateTime
from servicekit.tables import runtime_tables

metadata = MetaData()
tables = runtime_tables(metadata)

enterprises = Table(
    "enterprises",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("district_code", String(8), nullable=False),
    Column("industry_code", String(5), nullable=False),
    Column("industry_division", String(3), nullable=False),
    Column("key_industry_id", Integer, nullable=True),
    Column("registered_at", UTCDateTime(), nullable=False),
    Index("ix_enterprises_district", "district_code"),
    Index("ix_enterprises_division", "industry_division"),
)
