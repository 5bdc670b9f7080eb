"""Enterprise standings (one row per enterprise: its projects, latest final level, latest level change and
designations), recomputed set-based for the enterprises a batch of events touched: one SELECT over the four
source tables and one upsert per batch (DESIGN §7). A bank's eligibility query then reads one row by key
instead of aggregating four tables per request (bench/results.md, 2026-12-04, fourth session)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import bindparam, case, exists, func, union
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.api.evaluations import DesignationKind
from contracts.api.journey import STAGES
from finance.models import Designation, EnterpriseStanding, FinalAssessment, KnownLevelChange, KnownProject
from servicekit.bulk import insert_rows
from servicekit.db import table_of

STANDING_COLUMNS = [c for c in EnterpriseStanding.model_fields if c != "uscc"]
CHUNK = 5000  # enterprises per statement (bound parameters stay far below either database's limit)


def _stage_ordinal(stage: Any) -> Any:
    """A project's stage as its position in the journey (the furthest stage is the largest)."""
    return case({s.value: i for i, s in enumerate(STAGES)}, value=stage)


def _standings_statement() -> Any:
    """The standing of every enterprise in :usccs that any source table names."""
    models = (KnownProject, FinalAssessment, KnownLevelChange, Designation)
    projects, finals, changes, designations = (table_of(m) for m in models)
    usccs: Any = bindparam("usccs", expanding=True)
    named = union(*(sa_select(t.c.uscc).where(t.c.uscc.in_(usccs)) for t in (projects, finals, changes, designations)))
    uscc = named.subquery("named").c.uscc

    def latest(column: Any, table: Any, at: Any) -> Any:
        return sa_select(column).where(table.c.uscc == uscc).order_by(at.desc()).limit(1).scalar_subquery()

    def holds(kind: DesignationKind) -> Any:
        d = designations.c
        return exists().where(d.uscc == uscc, d.kind == kind.value, d.revoked_at.is_(None)).label(kind.value)

    of_projects = projects.c.uscc == uscc
    return sa_select(
        uscc.label("uscc"),
        sa_select(func.count()).where(of_projects).scalar_subquery().label("projects"),
        sa_select(func.max(_stage_ordinal(projects.c.stage))).where(of_projects).scalar_subquery().label("furthest"),
        latest(finals.c.level, finals, finals.c.finalised_at).label("final_level"),
        latest(changes.c.t0_level, changes, changes.c.measured_at).label("t0_level"),
        latest(changes.c.t1_level, changes, changes.c.measured_at).label("t1_level"),
        latest(changes.c.level_delta, changes, changes.c.measured_at).label("level_delta"),
        holds(DesignationKind.LIGHTHOUSE),
        holds(DesignationKind.BENCHMARK),
    )


STANDINGS = _standings_statement()


async def refresh_standings(session: AsyncSession, usccs: Collection[str]) -> None:
    """Recompute the standings of `usccs` from what the session's transaction holds now (call after the
    batch's writes to the source tables)."""
    keys = sorted(set(usccs))
    for i in range(0, len(keys), CHUNK):
        rows = (await session.execute(STANDINGS, {"usccs": keys[i : i + CHUNK]})).mappings().all()
        standings = [
            {**row, "lighthouse": bool(row["lighthouse"]), "benchmark": bool(row["benchmark"])} for row in rows
        ]
        await insert_rows(session, EnterpriseStanding, standings, conflict=["uscc"], update=STANDING_COLUMNS)
