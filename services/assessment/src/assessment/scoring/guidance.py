"""Improvement guidance: the next steps that raise a final assessment most, for catalog matching and
for the enterprise's own plan. Pure."""

from __future__ import annotations

from decimal import Decimal

from assessment.scoring.rules import LEVEL_ZH
from contracts.api.assessment import Score, Step
from contracts.api.schemes import ItemKind, Scheme


def _item_steps(scheme: Scheme, score: Score, score_short: bool) -> list[Step]:
    steps = []
    by_id = {i.item_id: i for i in score.items}
    for item in scheme.items:
        got = by_id[item.id]
        if got.points >= item.max_points:
            continue
        if item.kind == ItemKind.SINGLE:
            better = sorted((o for o in item.options if o.points > got.points), key=lambda o: o.points)
            if not better:
                continue
            nxt, gain = better[0], better[0].points - got.points
        else:
            open_options = [o for o in item.options if not o.exclusive and o.id not in got.options]
            if not open_options:
                continue
            nxt = max(open_options, key=lambda o: o.points)
            gain = nxt.points
        steps.append(
            Step(
                kind="item",
                id=item.id,
                name=item.name,
                current=", ".join(got.options) or "unanswered",
                to=f"{nxt.id} ({nxt.label})",
                points_gained=gain,
                helps_next_level=score_short,
            )
        )
    return steps


def _scene_steps(
    scheme: Scheme, score: Score, target: int | None, scenes_short: bool, constrained_short: bool
) -> list[Step]:
    steps = []
    for s in score.scenes:
        if s.level >= scheme.max_scene_level:
            continue
        helps = target is not None and s.level + 1 == target and (scenes_short or (constrained_short and s.constrained))
        steps.append(
            Step(
                kind="scene",
                id=s.scene_id,
                name=s.name + ("（约束性）" if s.constrained else ""),
                current=LEVEL_ZH.get(s.level, str(s.level)),
                to=LEVEL_ZH.get(s.level + 1, str(s.level + 1)),
                helps_next_level=helps,
            )
        )
    return steps


def guidance(scheme: Scheme, score: Score, limit: int = 10) -> list[Step]:
    """Steps ranked: those that close part of the gap to the next level first; then items by points
    gained per step, and scenes (constrained first, lowest first)."""
    gap = score.gaps[0] if score.gaps else None
    kinds = {m.kind for m in gap.missing} if gap else set()
    steps = _item_steps(scheme, score, "score" in kinds) + _scene_steps(
        scheme, score, gap.level if gap else None, "scenes" in kinds, "constrained_scenes" in kinds
    )
    levels = {s.scene_id: s for s in score.scenes}

    def rank(step: Step) -> tuple[bool, Decimal, bool, int]:
        scene = levels.get(step.id) if step.kind == "scene" else None
        return (
            not step.helps_next_level,
            -step.points_gained,
            not (scene and scene.constrained),
            scene.level if scene else 0,
        )

    return sorted(steps, key=rank)[:limit]
