"""Every query on what finance knows of enterprises: set-based writes per batch, and the reads one
eligibility answer needs (four indexed lookups)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, case, exists, func, literal
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from contracts.api.evaluations import DesignationKind
from contracts.api.journey import STAGES
from finance.models import (
    Consent,
    Designation,
    EnterpriseFacts,
    FinalAssessment,
    KnownLevelChange,
    KnownProject,
    ProductVersion,
)
from servicekit.bulk import insert_rows
from servicekit.db import latest_per_key, table_of

FACT_COLUMNS = [c for c in EnterpriseFacts.model_fields if c != "uscc"]


async def put_facts(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Registrations and updates: only a newer version moves a row (a replay changes nothing)."""
    latest = latest_per_key(rows, ["uscc"], "version")
    await insert_rows(session, EnterpriseFacts, latest, conflict=["uscc"], update=FACT_COLUMNS, newer="version")


async def add_final_assessments(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, FinalAssessment, rows, conflict=["assessment_id"])


async def facts_of(session: AsyncSession, uscc: str) -> EnterpriseFacts | None:
    return (await session.execute(select(EnterpriseFacts).where(EnterpriseFacts.uscc == uscc))).scalar_one_or_none()


@dataclass(frozen=True)
class Snapshot:
    """Everything one eligibility answer needs, read in one statement."""

    product_version: int | None
    consented: bool
    registered: bool
    district_code: str | None
    industry_division: str | None
    key_industry_id: int | None
    sub_industry: str | None
    size_class: str | None
    above_scale: bool | None
    tier: str | None
    chain_platforms: list[str] | None
    projects: int
    furthest_stage: str | None
    final_level: int | None  # of the latest final assessment
    t0_level: int | None  # of the latest measured level change
    t1_level: int | None
    level_delta: int | None
    lighthouse: bool  # holds a 小灯塔工厂 designation not revoked
    benchmark: bool  # holds a 标杆 designation not revoked


def _snapshot_statement() -> Any:
    """Built once with bound parameters: SQLAlchemy then neither rebuilds nor re-keys it per query."""
    models = (EnterpriseFacts, KnownProject, FinalAssessment, KnownLevelChange, Consent, ProductVersion, Designation)
    facts, projects, finals, changes, consents, versions, designations = (table_of(m) for m in models)
    uscc: Any = bindparam("uscc")
    ordinal = case({s.value: i for i, s in enumerate(STAGES)}, value=projects.c.stage)
    version = sa_select(func.max(versions.c.version)).where(versions.c.product_id == bindparam("product_id"))
    consent = exists().where(
        consents.c.uscc == uscc,
        consents.c.bank_id == bindparam("bank_id"),
        consents.c.product_id == bindparam("product_id"),
        consents.c.revoked_at.is_(None),
        consents.c.valid_until >= bindparam("today"),
    )
    project = sa_select(func.count().label("projects"), func.max(ordinal).label("furthest"))
    project_facts = project.where(projects.c.uscc == uscc).subquery("project_facts")
    final = sa_select(finals.c.level).where(finals.c.uscc == uscc).order_by(finals.c.finalised_at.desc()).limit(1)
    change = sa_select(changes.c.t0_level, changes.c.t1_level, changes.c.level_delta).where(changes.c.uscc == uscc)
    latest_change = change.order_by(changes.c.measured_at.desc()).limit(1).subquery("latest_change")

    def holds(kind: DesignationKind) -> Any:
        d = designations.c
        return exists().where(d.uscc == uscc, d.kind == kind.value, d.revoked_at.is_(None)).label(kind.value)

    return (
        sa_select(
            version.scalar_subquery().label("product_version"),
            consent.label("consented"),
            facts.c.uscc.is_not(None).label("registered"),
            *(facts.c[name] for name in FACT_COLUMNS if name != "version"),
            project_facts.c.projects,
            project_facts.c.furthest,
            final.scalar_subquery().label("final_level"),
            latest_change.c.t0_level,
            latest_change.c.t1_level,
            latest_change.c.level_delta,
            holds(DesignationKind.LIGHTHOUSE),
            holds(DesignationKind.BENCHMARK),
        )
        .select_from(project_facts)
        .outerjoin(facts, facts.c.uscc == uscc)
        .outerjoin(latest_change, literal(True))
    )


SNAPSHOT = _snapshot_statement()


def snapshot_of(row: dict[str, Any]) -> Snapshot:
    """The snapshot in a row of SNAPSHOT (as the ORM or servicekit.pointread returns it)."""
    values = dict(row)
    furthest = values.pop("furthest")
    values["consented"] = bool(values["consented"])
    for flag in ("registered", "lighthouse", "benchmark"):
        values[flag] = bool(values[flag])
    values["projects"] = int(values["projects"] or 0)
    values["furthest_stage"] = STAGES[furthest].value if furthest is not None else None
    return Snapshot(**values)


def snapshot_params(uscc: str, bank_id: str, product_id: str, today: date) -> dict[str, Any]:
    return {"uscc": uscc, "bank_id": bank_id, "product_id": product_id, "today": today}


async def snapshot(session: AsyncSession, uscc: str, bank_id: str, product_id: str, today: date) -> Snapshot:
    """The product's newest version, whether this bank holds an active consent, and the enterprise's facts:
    one round trip (every part an indexed lookup), so a bank's query costs one statement."""
    row = (await session.execute(SNAPSHOT, snapshot_params(uscc, bank_id, product_id, today))).mappings().one()
    return snapshot_of(dict(row))


async def add_designations(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, Designation, rows, conflict=["designation_id"])


async def revoke_designations(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Mark revoked (a revocation that arrives before its grant is kept as a revoked designation)."""
    await insert_rows(session, Designation, rows, conflict=["designation_id"], update=["revoked_at", "revoked_reason"])
