"""The supply-demand view's judgements (pure): what counts as a gap and as a volume-procurement lot."""

from __future__ import annotations

THRESHOLDS = {
    "proven_solutions_for_no_gap": 1,  # a scene in demand is covered once a listed solution proved itself here
    "procurement_min_enterprises": 5,  # recurring demand worth a volume procurement (带量采购)
}


def is_gap(demand_enterprises: int, proven_solutions: int) -> bool:
    return demand_enterprises > 0 and proven_solutions < THRESHOLDS["proven_solutions_for_no_gap"]


def is_procurement_lot(demand_enterprises: int) -> bool:
    return demand_enterprises >= THRESHOLDS["procurement_min_enterprises"]
