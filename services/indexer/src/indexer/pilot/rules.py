"""The city-pilot rule (财办建〔2024〕23号), pure: in a pilot sub-industry, at least 90% of the 规上 enterprises and
of the 专精特新 enterprises at 二级 or above, and every 小巨人 at 二级 or above."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.api.indexer import EnterpriseBelow, PilotGroup

GOALS = {"above_scale": 0.9, "specialised": 0.9, "little_giant": 1.0}


def groups_of(f: Mapping[str, Any]) -> list[str]:
    """The rule's groups an enterprise belongs to (a 小巨人 is also 专精特新)."""
    out = []
    if f["above_scale"]:
        out.append("above_scale")
    if f["tier"] in ("specialised", "little_giant"):
        out.append("specialised")
    if f["tier"] == "little_giant":
        out.append("little_giant")
    return out


def evaluate(facts: Iterable[Mapping[str, Any]]) -> tuple[list[PilotGroup], list[EnterpriseBelow], bool]:
    """The groups with their shares, the enterprises still below 二级 (once each, in their strictest group), and
    whether the rule is met (every group that has enterprises meets its goal; at least one has)."""
    counts = {g: [0, 0] for g in GOALS}
    below: list[EnterpriseBelow] = []
    for f in facts:
        groups = groups_of(f)
        ok = f["level"] is not None and f["level"] >= 2
        for g in groups:
            counts[g][0] += 1
            counts[g][1] += int(ok)
        if groups and not ok:
            below.append(
                EnterpriseBelow(uscc=f["uscc"], district_code=f["district_code"], group=groups[-1], level=f["level"])
            )
    out = []
    for g, (n, good) in counts.items():
        share = round(good / n, 4) if n else None
        out.append(
            PilotGroup(
                group=g,
                enterprises=n,
                level_2_plus=good,
                share=share,
                goal=GOALS[g],
                met=bool(n) and share is not None and share >= GOALS[g],
            )
        )
    populated = [p for p in out if p.enterprises]
    return (
        out,
        sorted(below, key=lambda b: (b.district_code, b.uscc)),
        bool(populated) and all(p.met for p in populated),
    )
