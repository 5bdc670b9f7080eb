"""Digital levels per district unit, from finalised assessments (the share at 二级 or above is what the
programme steers by)."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import codes
from contracts.api.stats import DistrictLevels, LevelStats
from contracts.events.assessment import AssessmentFinalised
from indexer.models import enterprise_levels
from servicekit.consumer import Received
from servicekit.db import insert_ignore
from servicekit.uow import UnitOfWork


async def on_assessment_finalised(uow: UnitOfWork, events: list[Received[AssessmentFinalised]]) -> None:
    """Keep each enterprise's latest final level (a later finalisation replaces it; a replay does not)."""
    t = enterprise_levels
    for e in events:
        p = e.payload
        values = {
            "uscc": p.uscc,
            "district_code": p.district_code,
            "level": p.level,
            "assessment_id": p.assessment_id,
            "finalised_at": p.finalised_at,
        }
        await uow.session.execute(insert_ignore(uow.dialect, t, [values], ["uscc"]))
        await uow.session.execute(
            update(t).where(t.c.uscc == p.uscc, t.c.finalised_at < p.finalised_at).values(**values)
        )


async def level_stats(session: AsyncSession) -> LevelStats:
    t = enterprise_levels
    rows = await session.execute(
        select(t.c.district_code, t.c.level, func.count()).group_by(t.c.district_code, t.c.level)
    )
    counts: dict[str, dict[str, int]] = {}
    for district, level, n in rows:
        counts.setdefault(district, {})[str(level)] = int(n)
    districts = []
    for code, unit in codes.districts().items():
        by_level = {str(level): counts.get(code, {}).get(str(level), 0) for level in range(5)}
        assessed = sum(by_level.values())
        high = sum(n for level, n in by_level.items() if int(level) >= 2)
        districts.append(
            DistrictLevels(
                district_code=code,
                district_name=unit.name,
                assessed=assessed,
                by_level=by_level,
                level_2_or_above=high,
                share_level_2_or_above=round(high / assessed, 4) if assessed else None,
            )
        )
    return LevelStats(
        assessed=sum(d.assessed for d in districts),
        level_2_or_above=sum(d.level_2_or_above for d in districts),
        districts=districts,
    )
