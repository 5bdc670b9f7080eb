"""Every query on what finance knows of enterprises: set-based writes per batch, and the read one
eligibility answer needs (four lookups by key, in one statement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, exists, func, literal
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from contracts.api.journey import STAGES
from finance.facts.standing_repository import STANDING_COLUMNS
from finance.models import Consent, Designation, EnterpriseFacts, EnterpriseStanding, FinalAssessment, ProductVersion
from servicekit.bulk import insert_rows
from servicekit.db import table_of

# What eligibility rules read of an enterprise (its row also holds the shared read model's name and times).
FACT_COLUMNS = [c for c in EnterpriseFacts.model_fields if c not in ("uscc", "name", "registered_at", "version")]


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
    """Built once with bound parameters: SQLAlchemy then neither rebuilds nor re-keys it per query. Four
    lookups by key: the product's newest version, the consent, the enterprise's facts and its standing (kept
    by the consumers, finance.facts.standing_repository) — the standing's aggregates over four tables, done
    per request, were half of the statement's time."""
    facts, standings, consents, versions = (
        table_of(m) for m in (EnterpriseFacts, EnterpriseStanding, Consent, ProductVersion)
    )
    uscc: Any = bindparam("uscc")
    version = sa_select(func.max(versions.c.version)).where(versions.c.product_id == bindparam("product_id"))
    consent = exists().where(
        consents.c.uscc == uscc,
        consents.c.bank_id == bindparam("bank_id"),
        consents.c.product_id == bindparam("product_id"),
        consents.c.revoked_at.is_(None),
        consents.c.valid_until >= bindparam("today"),
    )
    one_row = sa_select(literal(1).label("one")).subquery("one_row")
    return (
        sa_select(
            version.scalar_subquery().label("product_version"),
            consent.label("consented"),
            facts.c.uscc.is_not(None).label("registered"),
            *(facts.c[name] for name in FACT_COLUMNS),
            *(standings.c[name] for name in STANDING_COLUMNS),
        )
        .select_from(one_row)
        .outerjoin(facts, facts.c.uscc == uscc)
        .outerjoin(standings, standings.c.uscc == uscc)
    )


SNAPSHOT = _snapshot_statement()


def snapshot_of(row: dict[str, Any]) -> Snapshot:
    """The snapshot in a row of SNAPSHOT (as the ORM or servicekit.pointread returns it)."""
    values = dict(row)
    furthest = values.pop("furthest")
    values["consented"] = bool(values["consented"])  # a flag is None where no standing row exists yet
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
