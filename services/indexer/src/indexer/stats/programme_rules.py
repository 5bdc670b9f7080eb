"""Pure rules for the programme's activity and journey statistics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from contracts import codes
from contracts.api.activities import ActivityKind
from contracts.api.journey import STAGE_NAMES, STAGES

METRICS = ("enablement_services", "events_and_trainings", "people_trained")


def activity_increments(records: Iterable[tuple[int, str, ActivityKind, int, int]]) -> list[dict[str, Any]]:
    """(year, district, kind, enterprises served, participants) → counter increments per metric."""
    c: Counter[tuple[int, str, str]] = Counter()
    for year, district, kind, served, participants in records:
        if kind == ActivityKind.ENABLEMENT_SERVICE:
            c[(year, district, "enablement_services")] += served  # 家次: one per enterprise served
        else:
            c[(year, district, "events_and_trainings")] += 1  # 场次
        if kind == ActivityKind.TRAINING:
            c[(year, district, "people_trained")] += participants  # 人次
    return [{"year": y, "district_code": d, "metric": m, "value": v} for (y, d, m), v in sorted(c.items()) if v]


def stage_increments(moves: Iterable[tuple[str, str | None, str]]) -> list[dict[str, Any]]:
    """(district, from_stage or None for a new project, to_stage) → -1/+1 per stage."""
    c: Counter[tuple[str, str]] = Counter()
    for district, before, after in moves:
        if before is not None:
            c[(district, before)] -= 1
        c[(district, after)] += 1
    return [{"district_code": d, "stage": s, "projects": n} for (d, s), n in sorted(c.items()) if n]


def activity_report(year: int, rows: Iterable[tuple[str, str, int]]) -> dict[str, Any]:
    """Per-unit figures (all 41) and city totals against the work-plan targets for `year`."""
    by_unit: dict[str, dict[str, int]] = {d: dict.fromkeys(METRICS, 0) for d in codes.districts()}
    for district, metric, value in rows:
        by_unit.setdefault(district, dict.fromkeys(METRICS, 0))[metric] = value
    totals = {m: sum(u[m] for u in by_unit.values()) for m in METRICS}
    targets = codes.targets()
    progress = {}
    for m in METRICS:
        t = targets[m]
        target = t.target_for(year)
        progress[m] = {
            "unit": t.unit,
            "value": totals[m],
            "target": target,
            "share": round(totals[m] / target, 4) if target else None,
        }
    units = [
        {"district_code": code, "district_name": codes.districts()[code].name, **v}
        for code, v in by_unit.items()
        if code in codes.districts()
    ]
    return {"year": year, "totals": progress, "districts": units}


def stage_report(rows: Mapping[tuple[str, str], int]) -> dict[str, Any]:
    per_stage = {s.value: 0 for s in STAGES}
    for (_, stage), n in rows.items():
        per_stage[stage] = per_stage.get(stage, 0) + n
    return {
        "total": sum(per_stage.values()),
        "stages": [{"stage": s.value, "stage_name": STAGE_NAMES[s], "projects": per_stage[s.value]} for s in STAGES],
        "districts": [{"district_code": d, "stage": s, "projects": n} for (d, s), n in sorted(rows.items()) if n],
    }
