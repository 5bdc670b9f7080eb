"""Which scenes and items an assessment shows to be weakest (pure): what a derived demand asks for."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from contracts.api.assessment import Step
from contracts.codes import miit_scenes

WEAK_SCENES = 3  # a derived demand names the three weakest scenes
WEAK_ITEMS = 5  # and the five items whose improvement gains most


def weakest_scenes(scene_levels: Mapping[str, int], guidance: Sequence[Step], k: int = WEAK_SCENES) -> list[str]:
    """The k lowest-rated scenes below 四级: lowest level first, then constrained (约束性) before guiding, then the
    scheme's order. Without scene levels (an older scheme), the scenes the guidance names, in its order."""
    order = {scene: i for i, scene in enumerate(miit_scenes())}
    rated = [(lvl, not miit_scenes()[s].constrained, order[s], s) for s, lvl in scene_levels.items() if s in order]
    if rated:
        return [s for lvl, _, _, s in sorted(rated) if lvl < 4][:k]
    named = [step.id for step in guidance if step.kind == "scene" and step.id in order]
    return list(dict.fromkeys(named))[:k]


def weakest_items(guidance: Sequence[Step], k: int = WEAK_ITEMS) -> list[str]:
    """The k items whose next option gains most points (ties by item id)."""
    items = sorted((s for s in guidance if s.kind == "item"), key=lambda s: (-s.points_gained, s.id))
    return list(dict.fromkeys(s.id for s in items))[:k]


def derived_demand_id(uscc: str) -> str:
    """One derived demand per enterprise, with a stable id (a redelivery or a newer assessment updates it)."""
    return "dm_a" + hashlib.sha256(uscc.encode()).hexdigest()[:15]


def budget_shares(budget_fen: int | None, scenes: Sequence[str]) -> dict[str, int]:
    """A demand's budget split evenly over its scenes (rounded down; the remainder goes to the first)."""
    if not scenes:
        return {}
    total = budget_fen or 0
    share, rest = divmod(total, len(scenes))
    return {scene: share + (rest if i == 0 else 0) for i, scene in enumerate(scenes)}
