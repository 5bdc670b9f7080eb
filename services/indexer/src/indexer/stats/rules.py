"""Pure rules of the indexer's counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from contracts import codes
from contracts.api.stats import (
    DistrictCount,
    DistrictLevels,
    DistrictStats,
    IndustryCount,
    IndustryStats,
    LevelStats,
)

DISTRICT = "district"
DIVISION = "division"


def registered_moves(pairs: Iterable[tuple[Mapping[str, Any] | None, Mapping[str, Any]]]) -> list[dict[str, object]]:
    """(before, after) enterprise facts → the enterprise counters' increments, one row per (dimension, code).

    A registered enterprise (fact version ≥ 1) counts once under its unit and once under its industry division;
    the counters move with the facts, so an event applied again (same facts) moves nothing and needs no inbox.
    """
    counter: Counter[tuple[str, str]] = Counter()
    for before, after in pairs:
        for fact, n in ((before, -1), (after, 1)):
            if fact is not None and fact["version"] >= 1:
                counter[(DISTRICT, fact["district_code"])] += n
                counter[(DIVISION, fact["industry_division"])] += n
    return [{"dimension": d, "code": c, "enterprises": n} for (d, c), n in sorted(counter.items()) if n]


def district_stats(counts: Mapping[str, int]) -> DistrictStats:
    """All 41 units in official order, zero included."""
    rows = [
        DistrictCount(district_code=d.code, district_name=d.name, enterprises=counts.get(d.code, 0))
        for d in codes.districts().values()
    ]
    return DistrictStats(total=sum(r.enterprises for r in rows), districts=rows)


def industry_stats(counts: Mapping[str, int]) -> IndustryStats:
    """All manufacturing divisions in code order, zero included."""
    rows = [
        IndustryCount(industry_division=d.code, industry_name=d.name, enterprises=counts.get(d.code, 0))
        for d in codes.industry_divisions().values()
    ]
    return IndustryStats(total=sum(r.enterprises for r in rows), industries=rows)


def level_stats(rows: Iterable[tuple[str, int, int]]) -> LevelStats:
    """(district, level, enterprises) → every unit's levels 0–4 and its share at 二级 or above."""
    counts: dict[str, dict[str, int]] = {}
    for district, level, n in rows:
        counts.setdefault(district, {})[str(level)] = n
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
