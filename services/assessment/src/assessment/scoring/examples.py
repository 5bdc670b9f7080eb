"""Complete answer sets for the shipped miit-2024 scheme, with hand-computed totals: used by the docs
and the tests."""

from __future__ import annotations

from typing import Any

CONSTRAINED = [
    "product_design",
    "marketing",
    "production",
    "quality",
    "equipment",
    "safety",
    "energy",
    "procurement",
    "warehousing",
    "finance",
]
GUIDING = ["process_design", "after_sales", "planning", "human_resources", "collaboration", "decision_support"]

ZERO: dict[str, list[str]] = {
    "network": ["none"],
    "equipment_digital": ["a"],
    "equipment_networked": ["a"],
    "data_collection": ["none"],
    "information_systems": ["none"],
    "network_security": ["none"],
    "data_security": ["none"],
    "plan_implementation": ["none"],
    "management_mechanisms": ["none"],
    "talent": ["none"],
    "funding": ["a"],
    "energy": ["up"],
    "pass_rate": ["down"],
    "market_performance": ["down"],
    "value_benefit": ["up"],
}
# 39.875 points: 10 + 8 + 6 + 6 + 5 + 1.5 + 1.5 + 1.875
BELOW_FORTY = {
    **ZERO,
    "information_systems": ["all"],
    "network": ["shopfloor_network", "application_network", "industrial_5g", "full_coverage"],
    "equipment_digital": ["e"],
    "equipment_networked": ["e"],
    "network_security": ["policy", "products", "risk_assessment", "access_control"],
    "market_performance": ["same"],
    "value_benefit": ["same"],
    "funding": ["b"],
}


def scenes(constrained: int, guiding: int, level: int) -> dict[str, int]:
    out = dict.fromkeys(CONSTRAINED + GUIDING, 0)
    return out | dict.fromkeys(CONSTRAINED[:constrained], level) | dict.fromkeys(GUIDING[:guiding], level)


def answers(choices: dict[str, list[str]], scene_levels: dict[str, int]) -> dict[str, Any]:
    return {"choices": choices, "scene_levels": scene_levels}
