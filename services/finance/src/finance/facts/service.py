"""An enterprise's facts as eligibility rules name them, from finance's own tables (no call to another
service), read together with the product version and the consent in one statement."""

from __future__ import annotations

from datetime import date
from typing import Any

from contracts.api.finance import Fact
from finance.facts import repository
from finance.facts.repository import Snapshot
from servicekit.uow import UnitOfWork


async def snapshot(uow: UnitOfWork, uscc: str, bank_id: str, product_id: str, today: date) -> Snapshot:
    return await repository.snapshot(uow.session, uscc, bank_id, product_id, today)


def facts_from(seen: Snapshot) -> dict[Fact, Any]:
    """Every fact; None where finance has not learnt it (an unknown enterprise: registered is False)."""
    return {
        Fact.REGISTERED: seen.registered,
        Fact.DISTRICT_CODE: seen.district_code,
        Fact.INDUSTRY_DIVISION: seen.industry_division,
        Fact.KEY_INDUSTRY_ID: seen.key_industry_id,
        Fact.SUB_INDUSTRY: seen.sub_industry,
        Fact.SIZE_CLASS: seen.size_class,
        Fact.ABOVE_SCALE: seen.above_scale,
        Fact.TIER: seen.tier,
        Fact.CHAIN_MEMBER: bool(seen.chain_platforms) if seen.registered else None,
        Fact.HAS_PROJECT: seen.projects > 0,
        Fact.FURTHEST_STAGE: seen.furthest_stage,
        Fact.HAS_FINAL_ASSESSMENT: seen.final_level is not None,
        Fact.LATEST_LEVEL: seen.final_level,
        Fact.T0_LEVEL: seen.t0_level,
        Fact.T1_LEVEL: seen.t1_level,
        Fact.LEVEL_DELTA: seen.level_delta,
        Fact.LIGHTHOUSE: seen.lighthouse if seen.registered else None,
        Fact.BENCHMARK: seen.benchmark if seen.registered else None,
    }
