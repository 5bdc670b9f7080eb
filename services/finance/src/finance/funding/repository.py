"""What the double-funding checks read (one statement per check for a whole batch) and the signatures of the
findings flagged before."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.api.loans import LoanStatus
from contracts.api.subsidies import SubsidyStatus
from finance.funding.rules import FundedAdoption, ProjectSupport
from finance.models import FlagSeen, KnownAdoption, KnownSolution, Loan, TransformationSubsidy
from servicekit.bulk import insert_rows
from servicekit.db import table_of

LIVE_SUBSIDY = [s.value for s in (SubsidyStatus.COMPUTED, SubsidyStatus.APPROVED, SubsidyStatus.PAID)]
GRANTED_LOAN = [s.value for s in (LoanStatus.APPROVED, LoanStatus.DISBURSED, LoanStatus.DEFAULTED)]


async def project_support(session: AsyncSession, project_ids: Collection[str]) -> list[ProjectSupport]:
    """Each live subsidy of these projects with the loans granted for the same project."""
    if not project_ids:
        return []
    s, loan = table_of(TransformationSubsidy), table_of(Loan)
    ids = sorted(project_ids)
    subsidies = await session.execute(
        sa_select(s.c.subsidy_id, s.c.uscc, s.c.project_id, s.c.amount_fen, s.c.investment_fen).where(
            s.c.project_id.in_(ids), s.c.status.in_(LIVE_SUBSIDY)
        )
    )
    loans: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in await session.execute(
        sa_select(loan.c.project_id, loan.c.loan_id, loan.c.amount_fen).where(
            loan.c.project_id.in_(ids), loan.c.status.in_(GRANTED_LOAN), loan.c.amount_fen.is_not(None)
        )
    ):
        loans[row.project_id].append((row.loan_id, int(row.amount_fen)))
    return [
        ProjectSupport(
            r.uscc, r.project_id, r.subsidy_id, int(r.amount_fen), int(r.investment_fen), loans[r.project_id]
        )
        for r in subsidies
    ]


async def funded_adoptions(session: AsyncSession, usccs: Collection[str]) -> list[FundedAdoption]:
    """The enterprises' adoptions within projects that a live subsidy funds, with the solutions' scenes."""
    if not usccs:
        return []
    a, s, sol = table_of(KnownAdoption), table_of(TransformationSubsidy), table_of(KnownSolution)
    query = (
        sa_select(a.c.uscc, a.c.adoption_id, a.c.solution_id, a.c.provider_id, sol.c.scenes, s.c.subsidy_id)
        .join(s, s.c.project_id == a.c.project_id)
        .join(sol, sol.c.solution_id == a.c.solution_id)
        .where(a.c.uscc.in_(sorted(usccs)), s.c.status.in_(LIVE_SUBSIDY))
    )
    return [
        FundedAdoption(r.uscc, r.adoption_id, r.solution_id, r.provider_id, r.scenes, r.subsidy_id)
        for r in await session.execute(query)
    ]


async def seen_before(session: AsyncSession, signatures: Sequence[str]) -> set[str]:
    if not signatures:
        return set()
    f = table_of(FlagSeen)
    return set((await session.execute(sa_select(f.c.signature).where(f.c.signature.in_(list(signatures))))).scalars())


async def remember(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, FlagSeen, rows, conflict=["signature"])


async def put_solutions(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """A newer revision of a listing replaces the older one (a replay changes nothing)."""
    update = ["provider_id", "scenes", "revision"]
    await insert_rows(session, KnownSolution, rows, conflict=["solution_id"], update=update, newer="revision")


async def add_adoptions(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, KnownAdoption, rows, conflict=["adoption_id"])
