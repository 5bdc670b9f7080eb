"""An enterprise's facts, gathered from finance's own tables (no call to another service)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from contracts.api.finance import Fact
from contracts.api.journey import STAGES, Stage
from finance.facts import repository
from finance.models import EnterpriseFacts, FinalAssessment, KnownLevelChange, KnownProject
from servicekit.uow import UnitOfWork


async def gather(uow: UnitOfWork, uscc: str) -> dict[Fact, Any]:
    session = uow.session
    return facts_from(
        await repository.facts_of(session, uscc),
        await repository.projects_of(session, uscc),
        await repository.latest_final_assessment(session, uscc),
        await repository.latest_level_change(session, uscc),
    )


def facts_from(
    enterprise: EnterpriseFacts | None,
    projects: Sequence[KnownProject],
    final: FinalAssessment | None,
    change: KnownLevelChange | None,
) -> dict[Fact, Any]:
    """Every fact; None where finance has not learnt it (an unknown enterprise: registered is False)."""
    facts: dict[Fact, Any] = {f: None for f in Fact}
    facts[Fact.REGISTERED] = enterprise is not None
    if enterprise is not None:
        facts.update(
            {
                Fact.DISTRICT_CODE: enterprise.district_code,
                Fact.INDUSTRY_DIVISION: enterprise.industry_division,
                Fact.KEY_INDUSTRY_ID: enterprise.key_industry_id,
                Fact.SUB_INDUSTRY: enterprise.sub_industry,
                Fact.SIZE_CLASS: enterprise.size_class,
                Fact.ABOVE_SCALE: enterprise.above_scale,
                Fact.TIER: enterprise.tier,
                Fact.CHAIN_MEMBER: bool(enterprise.chain_platforms),
            }
        )
    facts[Fact.HAS_PROJECT] = bool(projects)
    stages = [Stage(p.stage) for p in projects]
    facts[Fact.FURTHEST_STAGE] = max(stages, key=STAGES.index).value if stages else None
    facts[Fact.HAS_FINAL_ASSESSMENT] = final is not None
    facts[Fact.LATEST_LEVEL] = final.level if final else None
    if change is not None:
        facts[Fact.T0_LEVEL], facts[Fact.T1_LEVEL] = change.t0_level, change.t1_level
        facts[Fact.LEVEL_DELTA] = change.level_delta
    return facts
