"""The columns of each read model, as SQLModel field sets: a service declares the table in its own
database by subclassing one with its own table base, e.g.

    class KnownEnterprise(KnownEnterpriseFields, CatalogTable, table=True):
        __tablename__ = "known_enterprises"
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, String
from sqlmodel import Field, SQLModel

from servicekit.db import DecimalText, UTCDateTime


class KnownEnterpriseFields(SQLModel):
    """An enterprise as the registry's events describe it."""

    uscc: str = Field(primary_key=True, sa_type=String(18))
    name: str = Field(sa_type=String(200))
    district_code: str = Field(sa_type=String(8), index=True)
    industry_division: str = Field(sa_type=String(3))
    registered_at: datetime = Field(sa_type=UTCDateTime())
    version: int = Field(default=1, sa_type=Integer, sa_column_kwargs={"server_default": "1"})


class KnownProjectFields(SQLModel):
    """A transformation project; `seq` is the number of the last transition seen."""

    project_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    provider_id: str | None = Field(default=None, sa_type=String(40))
    stage: str = Field(sa_type=String(16))
    seq: int = Field(sa_type=Integer)
    stage_entered_at: datetime = Field(sa_type=UTCDateTime())
    created_at: datetime | None = Field(default=None, sa_type=UTCDateTime())


class KnownLevelChangeFields(SQLModel):
    """A project's latest T0→T1 digital-level change."""

    project_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    scheme_id: str = Field(sa_type=String(40))
    scheme_version: int = Field(sa_type=Integer)
    t0_assessment_id: str = Field(sa_type=String(40))
    t1_assessment_id: str = Field(sa_type=String(40))
    t0_level: int = Field(sa_type=Integer)
    t1_level: int = Field(sa_type=Integer)
    level_delta: int = Field(sa_type=Integer)
    t0_total: Decimal = Field(sa_type=DecimalText(16))
    t1_total: Decimal = Field(sa_type=DecimalText(16))
    total_delta: Decimal = Field(sa_type=DecimalText(16))
    reached_level_2: bool
    measured_at: datetime = Field(sa_type=UTCDateTime())
