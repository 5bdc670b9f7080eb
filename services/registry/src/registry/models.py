"""Registry tables."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

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
    Column("sub_industry", String(16), nullable=True),
    Column("employees", Integer, nullable=True),
    Column("revenue_fen", BigInteger, nullable=True),  # main-business revenue in 0.01 yuan: exact on every database
    Column("revenue_year", Integer, nullable=True),
    Column("size_class", String(8), nullable=True),
    Column("above_scale", Boolean, nullable=True),
    Column("tiers", Text, nullable=False, server_default="[]"),  # JSON list of TierRecognition
    Column("current_tier", String(16), nullable=True),
    Column("cluster", String(16), nullable=True),
    Column("chain_platforms", Text, nullable=False, server_default="[]"),
    Column("contacts", Text, nullable=False, server_default="[]"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", UTCDateTime(), nullable=True),
    Column("pushed_by", String(40), nullable=True),  # the provider whose push registered it (it may change it)
    Index("ix_enterprises_district", "district_code"),
    Index("ix_enterprises_division", "industry_division"),
    Index("ix_enterprises_key_industry", "key_industry_id"),
    Index("ix_enterprises_tier", "current_tier"),
    Index("ix_enterprises_size", "size_class"),
)

# Every version of every enterprise: who changed what, when (version 1 is the registration).
enterprise_versions = Table(
    "enterprise_versions",
    metadata,
    Column("uscc", String(18), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("changed_at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("changes", Text, nullable=False),
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

# One row per bulk import: its counts and every rejected row with the reason (downloadable).
imports = Table(
    "imports",
    metadata,
    Column("import_id", String(40), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("stored", Integer, nullable=False),
    Column("already_registered", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("errors", Text, nullable=False),  # JSON list of {row, uscc, field, reason}
)

providers = Table(
    "providers",
    metadata,
    Column("provider_id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("uscc", String(18), nullable=False, unique=True),
    Column("categories", Text, nullable=False),  # JSON list
    Column("platforms", Text, nullable=False),  # JSON list
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("status_changed_at", UTCDateTime(), nullable=False),
)

# A transformation project: one enterprise, one provider, moving through the 8 stages.
projects = Table(
    "projects",
    metadata,
    Column("project_id", String(40), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district_code", String(8), nullable=False, index=True),
    Column("provider_id", String(40), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("planned_solutions", Text, nullable=False),  # JSON list
    Column("stage", String(16), nullable=False),
    Column("stage_entered_at", UTCDateTime(), nullable=False),
    Column("seq", Integer, nullable=False),  # number of the last transition (1 = creation)
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_projects_stage_entered", "stage", "stage_entered_at"),
)

project_transitions = Table(
    "project_transitions",
    metadata,
    Column("project_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("from_stage", String(16), nullable=True),
    Column("to_stage", String(16), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("evidence", Text, nullable=False),  # JSON list of Evidence
    Column("note", Text, nullable=True),
)

# Programme activity records (家次, 场次, 人次), idempotent per (organiser, external_ref).
activities = Table(
    "activities",
    metadata,
    Column("activity_id", String(40), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("district_code", String(8), nullable=False, index=True),
    Column("held_on", Date, nullable=False),
    Column("title", String(200), nullable=False),
    Column("organiser", String(200), nullable=False),
    Column("enterprises", Text, nullable=False),  # JSON list of USCCs
    Column("participants", Integer, nullable=False),
    Column("external_ref", String(100), nullable=True),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    UniqueConstraint("organiser", "external_ref", name="uq_activities_external_ref"),
)

# Provider push (interface v1): the last accepted version of every record a provider pushed.
push_records = Table(
    "push_records",
    metadata,
    Column("provider_id", String(40), primary_key=True),
    Column("record_id", String(100), primary_key=True),
    Column("kind", String(24), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("entity", String(40), nullable=False),  # USCC or project id
    Column("batch_id", String(40), nullable=False),
    Column("accepted_at", UTCDateTime(), nullable=False),
)

# One row per pushed batch: its counts, the data-quality tallies, and the rejected records' results.
push_batches = Table(
    "push_batches",
    metadata,
    Column("batch_id", String(40), primary_key=True),
    Column("provider_id", String(40), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("format", String(8), nullable=False),
    Column("records", Integer, nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("stale", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("counted", Integer, nullable=False),  # records counted for quality (first deliveries)
    Column("optional_filled", Integer, nullable=False),
    Column("optional_possible", Integer, nullable=False),
    Column("timely", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),  # counted records that were accepted
    Column("rejected_results", Text, nullable=False),  # JSON list of RecordResult
    Index("ix_push_batches_provider_received", "provider_id", "received_at"),
)
