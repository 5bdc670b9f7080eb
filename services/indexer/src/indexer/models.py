"""Indexer tables."""

from sqlalchemy import BigInteger, Column, MetaData, String, Table

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
