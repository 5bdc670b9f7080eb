"""Registry tables as typed rows (SQLModel); bulk paths use their `__table__` with Core statements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from contracts.api.journey import Evidence
from contracts.api.profile import Contact, TierRecognition
from servicekit.db import JSONText, UTCDateTime
from servicekit.tables import runtime_tables


class RegistryTable(SQLModel, registry=registry()):
    """Base of every registry table: the registry's own metadata (one database per service)."""


metadata = RegistryTable.metadata
tables = runtime_tables(metadata)


class Enterprise(RegistryTable, table=True):
    """An enterprise's current profile; every change is also kept in `EnterpriseVersion`."""

    __tablename__ = "enterprises"
    # Searches and exports page in USCC order and filter by unit, division, key industry, size or tier. Each of
    # those but the tier holds a large share of the rows: a page is found fastest by walking the primary key and
    # filtering (a unit's page at a million rows: 1–5 ms, against 50 ms through an index on the unit, which then
    # sorts the unit's every row), and an index on it cost every registration about 1 µs (0013). The tier is
    # rare, and a pushed enterprise never has one: its index holds only the enterprises that do.
    __table_args__ = (
        Index(
            "ix_enterprises_tier",
            "current_tier",
            sqlite_where=text("current_tier IS NOT NULL"),
            postgresql_where=text("current_tier IS NOT NULL"),
        ),
    )

    uscc: str = Field(primary_key=True, sa_type=String(18))
    name: str = Field(sa_type=String(200))
    district_code: str = Field(sa_type=String(8))
    industry_code: str = Field(sa_type=String(5))
    industry_division: str = Field(sa_type=String(3))
    key_industry_id: int | None = Field(default=None, sa_type=Integer)
    registered_at: datetime = Field(sa_type=UTCDateTime())
    sub_industry: str | None = Field(default=None, sa_type=String(16))
    employees: int | None = Field(default=None, sa_type=Integer)
    # Main-business revenue in 0.01 yuan: exact on every database.
    revenue_fen: int | None = Field(default=None, sa_type=BigInteger)
    revenue_year: int | None = Field(default=None, sa_type=Integer)
    size_class: str | None = Field(default=None, sa_type=String(8))
    above_scale: bool | None = None
    tiers: list[TierRecognition] = Field(
        default_factory=list,
        sa_type=JSONText(list[TierRecognition]),
        sa_column_kwargs={"server_default": "[]"},
    )
    current_tier: str | None = Field(default=None, sa_type=String(16))
    cluster: str | None = Field(default=None, sa_type=String(16))
    chain_platforms: list[str] = Field(
        default_factory=list, sa_type=JSONText(list[str]), sa_column_kwargs={"server_default": "[]"}
    )
    contacts: list[Contact] = Field(
        default_factory=list, sa_type=JSONText(list[Contact]), sa_column_kwargs={"server_default": "[]"}
    )
    version: int = Field(default=1, sa_type=Integer, sa_column_kwargs={"server_default": "1"})
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # The provider whose push registered it (it may change it).
    pushed_by: str | None = Field(default=None, sa_type=String(40))
    # Who registered it, as what, how: its version 1 in `EnterpriseVersion` is written from these and the row
    # when it first changes (null for enterprises registered before 0012, whose version 1 is stored).
    registered_by: str | None = Field(default=None, sa_type=String(64))
    registered_role: str | None = Field(default=None, sa_type=String(16))
    registered_action: str | None = Field(default=None, sa_type=String(32))


class EnterpriseVersion(RegistryTable, table=True):
    """Every version of every enterprise: who changed what, when. Version 1 is the registration: stored once the
    enterprise changes; until then it is read from the enterprise's row (`registered_by` and its profile)."""

    __tablename__ = "enterprise_versions"

    uscc: str = Field(primary_key=True, sa_type=String(18))
    version: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    changed_at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(sa_type=String(64))
    role: str = Field(sa_type=String(16))
    action: str = Field(sa_type=String(32))
    changes: dict[str, dict[str, Any]] = Field(sa_type=JSONText())


class Client(RegistryTable, table=True):
    """A machine client (OAuth2 client credentials); only a hash of its secret is kept."""

    __tablename__ = "clients"

    client_id: str = Field(primary_key=True, sa_type=String(40))
    name: str = Field(sa_type=String(200))
    role: str = Field(sa_type=String(16))
    districts: list[str] = Field(sa_type=JSONText(list[str]))
    provider_id: str | None = Field(default=None, sa_type=String(64))
    uscc: str | None = Field(default=None, sa_type=String(18))
    bank_id: str | None = Field(default=None, sa_type=String(64))
    secret_hash: str = Field(sa_type=String(200))
    active: bool
    created_at: datetime = Field(sa_type=UTCDateTime())


class Import(RegistryTable, table=True):
    """One bulk import: its counts and every rejected row with the reason (downloadable)."""

    __tablename__ = "imports"

    import_id: str = Field(primary_key=True, sa_type=String(40))
    at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(sa_type=String(64))
    filename: str = Field(sa_type=String(200))
    rows: int = Field(sa_type=Integer)
    stored: int = Field(sa_type=Integer)
    already_registered: int = Field(sa_type=Integer)
    rejected: int = Field(sa_type=Integer)
    errors: list[dict[str, Any]] = Field(sa_type=JSONText())  # {row, uscc, field, reason}


class Provider(RegistryTable, table=True):
    __tablename__ = "providers"

    provider_id: str = Field(primary_key=True, sa_type=String(40))
    name: str = Field(sa_type=String(200))
    uscc: str = Field(sa_type=String(18), unique=True)
    categories: list[str] = Field(sa_type=JSONText(list[str]))
    platforms: list[str] = Field(sa_type=JSONText(list[str]))
    status: str = Field(sa_type=String(16))
    status_reason: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime())
    status_changed_at: datetime = Field(sa_type=UTCDateTime())
    published_quality: str | None = Field(
        default=None, sa_type=String(16), description="the data-quality score last published (as text; 'none')"
    )


class Project(RegistryTable, table=True):
    """A transformation project: one enterprise, one provider, moving through the 8 stages."""

    __tablename__ = "projects"
    __table_args__ = (Index("ix_projects_stage_entered", "stage", "stage_entered_at"),)

    project_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    provider_id: str = Field(sa_type=String(40), index=True)
    title: str = Field(sa_type=String(200))
    planned_solutions: list[str] = Field(sa_type=JSONText(list[str]))
    stage: str = Field(sa_type=String(16))
    stage_entered_at: datetime = Field(sa_type=UTCDateTime())
    seq: int = Field(sa_type=Integer)  # number of the last transition (1 = creation)
    created_at: datetime = Field(sa_type=UTCDateTime())


class ProjectTransition(RegistryTable, table=True):
    __tablename__ = "project_transitions"

    project_id: str = Field(primary_key=True, sa_type=String(40))
    seq: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    from_stage: str | None = Field(default=None, sa_type=String(16))
    to_stage: str = Field(sa_type=String(16))
    at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(sa_type=String(64))
    role: str = Field(sa_type=String(16))
    evidence: list[Evidence] = Field(sa_type=JSONText(list[Evidence]))
    note: str | None = Field(default=None, sa_type=Text)


class Activity(RegistryTable, table=True):
    """A programme activity record (家次, 场次, 人次), idempotent per (organiser, external_ref)."""

    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("organiser", "external_ref", name="uq_activities_external_ref"),)

    activity_id: str = Field(primary_key=True, sa_type=String(40))
    kind: str = Field(sa_type=String(24))
    district_code: str = Field(sa_type=String(8), index=True)
    held_on: date = Field(sa_type=Date)
    title: str = Field(sa_type=String(200))
    organiser: str = Field(sa_type=String(200))
    enterprises: list[str] = Field(sa_type=JSONText(list[str]))  # USCCs
    participants: int = Field(sa_type=Integer)
    external_ref: str | None = Field(default=None, sa_type=String(100))
    recorded_at: datetime = Field(sa_type=UTCDateTime())
    recorded_by: str = Field(sa_type=String(64))


class PushRecord(RegistryTable, table=True):
    """Provider push (interface v1): the last accepted version of every record a provider pushed."""

    __tablename__ = "push_records"

    provider_id: str = Field(primary_key=True, sa_type=String(40))
    record_id: str = Field(primary_key=True, sa_type=String(100))
    kind: str = Field(sa_type=String(24))
    version: int = Field(sa_type=Integer)
    content_hash: str = Field(sa_type=String(64))
    entity: str = Field(sa_type=String(40))  # USCC or project id
    batch_id: str = Field(sa_type=String(40))
    accepted_at: datetime = Field(sa_type=UTCDateTime())
    # the digest of the NDJSON line this version came in (contracts.push.retries), if it had no warnings:
    # the same line again is this record unchanged, settled without reading it again
    line_hash: str | None = Field(default=None, sa_type=String(32), nullable=True)


class PushBatch(RegistryTable, table=True):
    """One pushed batch: its counts, the data-quality tallies, and the rejected records' results."""

    __tablename__ = "push_batches"
    __table_args__ = (Index("ix_push_batches_provider_received", "provider_id", "received_at"),)

    batch_id: str = Field(primary_key=True, sa_type=String(40))
    provider_id: str = Field(sa_type=String(40))
    received_at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(sa_type=String(64))
    format: str = Field(sa_type=String(8))
    records: int = Field(sa_type=Integer)
    created: int = Field(sa_type=Integer)
    updated: int = Field(sa_type=Integer)
    unchanged: int = Field(sa_type=Integer)
    stale: int = Field(sa_type=Integer)
    rejected: int = Field(sa_type=Integer)
    counted: int = Field(sa_type=Integer)  # records counted for quality (first deliveries)
    optional_filled: int = Field(sa_type=Integer)
    optional_possible: int = Field(sa_type=Integer)
    timely: int = Field(sa_type=Integer)
    accepted: int = Field(sa_type=Integer)  # counted records that were accepted
    rejected_results: list[dict[str, Any]] = Field(sa_type=JSONText())  # RecordResult as JSON
