"""Assessment tables."""

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table, Text

from readmodels.enterprises import known_enterprises_table
from readmodels.projects import known_projects_table
from servicekit.db import UTCDateTime
from servicekit.tables import runtime_tables

metadata = MetaData()
tables = runtime_tables(metadata)
known_enterprises = known_enterprises_table(metadata)
known_projects = known_projects_table(metadata)

# Scheme versions published by an administrator (the shipped ones are files, see builtin.py).
schemes = Table(
    "schemes",
    metadata,
    Column("scheme_id", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("document", Text, nullable=False),  # the Scheme as JSON
    Column("published_at", UTCDateTime(), nullable=False),
    Column("published_by", String(64), nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("assessment_id", String(40), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district_code", String(8), nullable=False, index=True),
    Column("scheme_id", String(40), nullable=False),
    Column("scheme_version", Integer, nullable=False),
    Column("source", String(8), nullable=False),
    Column("status", String(12), nullable=False),
    Column("project_id", String(40), nullable=True, index=True),
    Column("phase", String(2), nullable=True),
    Column("answers", Text, nullable=False),  # AnswerSet JSON
    Column("score", Text, nullable=False),  # Score JSON on (scheme_id, scheme_version)
    Column("total", String(16), nullable=False),  # exact decimal as text
    Column("level", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("submitted_at", UTCDateTime(), nullable=True),
    Column("pledged_by", String(100), nullable=True),
    Column("finalised_at", UTCDateTime(), nullable=True),
    Column("verified_by", String(64), nullable=True),
    Column("verification_note", Text, nullable=True),
    Column("revision", Integer, nullable=False),  # optimistic lock
    Index("ix_assessments_project_phase", "project_id", "phase", "status"),
)

# On-site changes of a submitted assessment: one row per changed answer, with the reason.
assessment_changes = Table(
    "assessment_changes",
    metadata,
    Column("assessment_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("field", String(100), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("reason", Text, nullable=False),
)

# Rescorings on other scheme versions; the original score stays on the assessment.
assessment_rescores = Table(
    "assessment_rescores",
    metadata,
    Column("assessment_id", String(40), primary_key=True),
    Column("scheme_version", Integer, primary_key=True),
    Column("scheme_id", String(40), nullable=False),
    Column("scored_at", UTCDateTime(), nullable=False),
    Column("scored_by", String(64), nullable=False),
    Column("score", Text, nullable=False),
)

# 小灯塔 and benchmark evaluations of candidates (evidence as verified on site, every rule checked).
evaluations = Table(
    "evaluations",
    metadata,
    Column("evaluation_id", String(40), primary_key=True),
    Column("uscc", String(18), nullable=False, index=True),
    Column("district_code", String(8), nullable=False, index=True),
    Column("scheme_id", String(40), nullable=False),
    Column("scheme_version", Integer, nullable=False),
    Column("designation", String(16), nullable=False),
    Column("category", String(40), nullable=False),
    Column("indicators", Text, nullable=False),  # JSON lists and objects
    Column("scenes", Text, nullable=False),
    Column("figures", Text, nullable=False),
    Column("replicable_scene", Text, nullable=True),
    Column("level", Integer, nullable=True),
    Column("passed", Boolean, nullable=False),
    Column("checks", Text, nullable=False),
    Column("outcomes", Text, nullable=False),
    Column("note", Text, nullable=True),
    Column("evaluated_at", UTCDateTime(), nullable=False),
    Column("evaluated_by", String(64), nullable=False),
)

designations = Table(
    "designations",
    metadata,
    Column("designation_id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("category", String(40), nullable=False),
    Column("uscc", String(18), nullable=False),
    Column("district_code", String(8), nullable=False),
    Column("evaluation_id", String(40), nullable=False, unique=True),
    Column("batch", String(100), nullable=False),
    Column("designated_at", UTCDateTime(), nullable=False),
    Column("designated_by", String(64), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    Column("revoked_by", String(64), nullable=True),
    Column("revocation_reason", Text, nullable=True),
    Index("ix_designations_holder", "uscc", "kind", "category"),
)
