"""A target's progress (pure): the value against the year's target, by its kind and comparison."""

from __future__ import annotations

from contracts.api.indexer import TargetProgress
from contracts.codes import Target


def progress(t: Target, year: int, value: float | None, target: int | None = None) -> TargetProgress:
    """`target` overrides the plan's number where it is a count of a set (every sub-industry)."""
    wanted = target if target is not None else t.target_for(year)
    reached = None
    if value is not None and wanted is not None:
        reached = value > wanted if t.op == "gt" else value >= wanted
    return TargetProgress(
        indicator=t.indicator,
        name=t.name,
        unit=t.unit,
        kind=t.kind,
        year=year,
        target=wanted,
        value=value,
        reached=reached,
        counts=t.counts,
    )


def share_percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None
