"""The city-pilot rule (财办建〔2024〕23号), pure: in a pilot sub-industry, at least 90% of the 规上 enterprises and
of the 专精特新 enterprises at 二级 or above, and every 小巨人 at 二级 or above."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.api.indexer import EnterpriseBelow, PilotGroup

GOALS = {"above_scale": 0.9, "specialised": 0.9, "little_giant": 1.0}


def strictest_group(f: Mapping[str, Any]) -> str:
    """The strictest of the rule's groups an enterprise is in (a 小巨人 is also 专精特新)."""
    if f["tier"] == "little_giant":
        return "little_giant"
    return "specialised" if f["tier"] == "specialised" else "above_scale"


def groups(counts: Mapping[str, tuple[int, int]]) -> tuple[list[PilotGroup], bool]:
    """The groups with their shares, and whether the rule is met (every group that has enterprises meets its
    goal; at least one has)."""
    out = []
    for g, goal in GOALS.items():
        n, good = counts.get(g, (0, 0))
        share = round(good / n, 4) if n else None
        met = share is not None and share >= goal
        out.append(PilotGroup(group=g, enterprises=n, level_2_plus=good, share=share, goal=goal, met=met))
    populated = [p for p in out if p.enterprises]
    return out, bool(populated) and all(p.met for p in populated)


def below(rows: Iterable[Mapping[str, Any]]) -> list[EnterpriseBelow]:
    return [
        EnterpriseBelow(uscc=r["uscc"], district_code=r["district_code"], group=strictest_group(r), level=r["level"])
        for r in rows
    ]
