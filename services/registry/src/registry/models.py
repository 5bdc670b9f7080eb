"""Registry tables."""

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table, Text

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

# Machine clients (OAuth2 client credentials); only a hash of each secret is kept.
clients = Table(
    "clients",
    metadata,
    Column("client_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("districts", Text, nullable=False),  # JSON list of district codes
    Column("provider_id", String(64), nullable=True),
    Column("uscc", String(18), nullable=True),
    Column("bank_id", String(64), nullable=True),
    Column("secret_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
