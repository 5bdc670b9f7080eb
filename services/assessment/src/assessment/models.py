"""Assessment tables (typed rows)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from contracts.api.assessment import AnswerSet, Score
from contracts.api.evaluations import Check, Outcomes
from readmodels.models import KnownEnterpriseFields, KnownProjectFields
from servicekit.db import DecimalText, JSONText, UTCDateTime
from servicekit.tables import runtime_tables


class AssessmentTable(SQLModel, registry=registry()):
    """Base of every assessment table: the assessment service's own metadata (one database per service)."""


metadata = AssessmentTable.metadata
tables = runtime_tables(metadata)


class KnownEnterprise(KnownEnterpriseFields, AssessmentTable, table=True):
    __tablename__ = "known_enterprises"


class KnownProject(KnownProjectFields, AssessmentTable, table=True):
    __tablename__ = "known_projects"


class PublishedScheme(AssessmentTable, table=True):
    """A scheme version published by an administrator (the shipped ones are files, see schemes/builtin.py)."""

    __tablename__ = "schemes"

    scheme_id: str = Field(primary_key=True, sa_type=String(40))
    version: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    document: str = Field(sa_type=Text)  # the Scheme as JSON, validated by its model when read
    published_at: datetime = Field(sa_type=UTCDateTime())
    published_by: str = Field(sa_type=String(64))


class Assessment(AssessmentTable, table=True):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_project_phase", "project_id", "phase", "status"),)

    assessment_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    scheme_id: str = Field(sa_type=String(40))
    scheme_version: int = Field(sa_type=Integer)
    source: str = Field(sa_type=String(8))
    status: str = Field(sa_type=String(12))
    project_id: str | None = Field(default=None, sa_type=String(40), index=True)
    phase: str | None = Field(default=None, sa_type=String(2))
    answers: AnswerSet = Field(sa_type=JSONText(AnswerSet))
    score: Score = Field(sa_type=JSONText(Score))  # on (scheme_id, scheme_version)
    total: Decimal = Field(sa_type=DecimalText(16))
    level: int = Field(sa_type=Integer)
    created_at: datetime = Field(sa_type=UTCDateTime())
    created_by: str = Field(sa_type=String(64))
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    pledged_by: str | None = Field(default=None, sa_type=String(100))
    finalised_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    verified_by: str | None = Field(default=None, sa_type=String(64))
    verification_note: str | None = Field(default=None, sa_type=Text)
    revision: int = Field(sa_type=Integer)  # optimistic lock


class AssessmentChange(AssessmentTable, table=True):
    """An on-site change of a submitted assessment: one row per changed answer, with the reason."""

    __tablename__ = "assessment_changes"

    assessment_id: str = Field(primary_key=True, sa_type=String(40))
    seq: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(sa_type=UTCDateTime())
    actor: str = Field(sa_type=String(64))
    role: str = Field(sa_type=String(16))
    field: str = Field(sa_type=String(100))
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    reason: str = Field(sa_type=Text)


class AssessmentRescore(AssessmentTable, table=True):
    """A rescoring on another scheme version; the original score stays on the assessment."""

    __tablename__ = "assessment_rescores"

    assessment_id: str = Field(primary_key=True, sa_type=String(40))
    scheme_version: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={"autoincrement": False})
    scheme_id: str = Field(sa_type=String(40))
    scored_at: datetime = Field(sa_type=UTCDateTime())
    scored_by: str = Field(sa_type=String(64))
    score: Score = Field(sa_type=JSONText(Score))


class Evaluation(AssessmentTable, table=True):
    """A 小灯塔 or benchmark evaluation of a candidate (evidence as verified on site, every rule checked)."""

    __tablename__ = "evaluations"

    evaluation_id: str = Field(primary_key=True, sa_type=String(40))
    uscc: str = Field(sa_type=String(18), index=True)
    district_code: str = Field(sa_type=String(8), index=True)
    scheme_id: str = Field(sa_type=String(40))
    scheme_version: int = Field(sa_type=Integer)
    designation: str = Field(sa_type=String(16))
    category: str = Field(sa_type=String(40))
    indicators: list[str] = Field(sa_type=JSONText(list[str]))
    scenes: list[str] = Field(sa_type=JSONText(list[str]))
    figures: dict[str, Decimal] = Field(sa_type=JSONText(dict[str, Decimal]))
    replicable_scene: str | None = Field(default=None, sa_type=Text)
    level: int | None = Field(default=None, sa_type=Integer)
    passed: bool
    checks: list[Check] = Field(sa_type=JSONText(list[Check]))
    outcomes: Outcomes = Field(sa_type=JSONText(Outcomes))
    note: str | None = Field(default=None, sa_type=Text)
    evaluated_at: datetime = Field(sa_type=UTCDateTime())
    evaluated_by: str = Field(sa_type=String(64))


class Designation(AssessmentTable, table=True):
    __tablename__ = "designations"
    __table_args__ = (Index("ix_designations_holder", "uscc", "kind", "category"),)

    designation_id: str = Field(primary_key=True, sa_type=String(40))
    kind: str = Field(sa_type=String(16))
    category: str = Field(sa_type=String(40))
    uscc: str = Field(sa_type=String(18))
    district_code: str = Field(sa_type=String(8))
    evaluation_id: str = Field(sa_type=String(40), unique=True)
    batch: str = Field(sa_type=String(100))
    designated_at: datetime = Field(sa_type=UTCDateTime())
    designated_by: str = Field(sa_type=String(64))
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    revoked_by: str | None = Field(default=None, sa_type=String(64))
    revocation_reason: str | None = Field(default=None, sa_type=Text)
