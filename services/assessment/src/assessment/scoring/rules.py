"""The scheme engine: check answers against a scheme, derive options from raw figures, add exact
decimal points, rate the level by the scheme's rules, and say what is missing for each level above.

Pure: no database, no clock. Everything a scheme decides is in its data file (contracts.api.schemes).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from contracts.api.assessment import AnswerSet, ItemScore, LevelGap, Missing, PartScore, SceneScore, Score
from contracts.api.schemes import Comparison, Item, ItemKind, LevelRule, Quantity, RatioBins, Scheme

LEVEL_ZH = {0: "未达一级", 1: "一级", 2: "二级", 3: "三级", 4: "四级"}
ZERO = Decimal(0)


class AnswerErrors(ValueError):
    """Answers that do not fit the scheme; `errors` holds (field, message) pairs naming the item."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass(frozen=True)
class Resolved:
    options: tuple[str, ...]
    derived: bool


def _label(item: Item) -> str:
    return f"item {item.id} ({item.name})"


def _figures_used(scheme: Scheme) -> set[str]:
    used: set[str] = set()
    for item in scheme.items:
        d = item.derive
        if isinstance(d, RatioBins):
            used |= set(d.quantity.figures())
        elif isinstance(d, Comparison):
            used |= set(d.before.figures()) | set(d.after.figures())
    return used


def _value(q: Quantity, figures: dict[str, Decimal]) -> Decimal:
    if q.figure is not None:
        return figures[q.figure]
    num, den = q.ratio or ("", "")
    return figures[num] / figures[den]


def _needed(item: Item) -> tuple[str, ...]:
    d = item.derive
    if isinstance(d, RatioBins):
        return d.quantity.figures()
    if isinstance(d, Comparison):
        return d.before.figures() + d.after.figures()
    return ()


def _zero_denominators(item: Item, figures: dict[str, Decimal]) -> list[str]:
    d = item.derive
    quantities = [d.quantity] if isinstance(d, RatioBins) else [d.before, d.after] if d else []
    return [q.ratio[1] for q in quantities if q.ratio and figures[q.ratio[1]] == 0]


def derive_option(item: Item, figures: dict[str, Decimal]) -> str | None:
    """The option the figures give, or None when the item has no rule or a figure is missing."""
    d = item.derive
    if d is None or any(f not in figures for f in _needed(item)):
        return None
    if isinstance(d, RatioBins):
        value = _value(d.quantity, figures)
        for b in d.bins:
            if b.upto is None or value <= b.upto:
                return b.option
        return d.bins[-1].option
    before, after = _value(d.before, figures), _value(d.after, figures)
    return d.up if after > before else d.down if after < before else d.same


def _check_figures(scheme: Scheme, answers: AnswerSet) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    used = _figures_used(scheme)
    for name in answers.figures:
        if name not in used:
            errors.append((f"figures.{name}", f"unknown figure {name!r}: the scheme uses {', '.join(sorted(used))}"))
    complete = [i for i in scheme.items if i.derive and all(f in answers.figures for f in _needed(i))]
    explained = {f for i in complete for f in _needed(i)}  # a figure may serve several items
    for item in scheme.items:
        needed = _needed(item)
        given = [f for f in needed if f in answers.figures]
        if given and len(given) < len(needed):
            unexplained = [f for f in given if f not in explained]
            if unexplained:
                missing = ", ".join(f for f in needed if f not in answers.figures)
                errors.append(
                    (f"figures.{unexplained[0]}", f"{_label(item)} is derived from figures: also give {missing}")
                )
        elif given:
            zero = _zero_denominators(item, answers.figures)
            errors += [(f"figures.{z}", f"must be above 0 to derive {_label(item)}") for z in zero]
            d = item.derive
            if not zero and isinstance(d, RatioBins) and d.quantity.ratio:
                num, den = d.quantity.ratio
                bounded = all(b.upto is None or b.upto <= 1 for b in d.bins)
                if bounded and answers.figures[num] > answers.figures[den]:
                    errors.append(
                        (f"figures.{num}", f"{num} ({answers.figures[num]}) exceeds {den} ({answers.figures[den]})")
                    )
    return errors


def _check_choice(item: Item, chosen: list[str]) -> str | None:
    options = {o.id: o for o in item.options}
    if not chosen:
        return f"{_label(item)}: choose an option"
    unknown = [c for c in chosen if c not in options]
    if unknown:
        return f"{_label(item)} has no option {unknown[0]!r}; its options are {', '.join(options)}"
    if len(set(chosen)) != len(chosen):
        return f"{_label(item)}: an option is chosen twice"
    if item.kind == ItemKind.SINGLE and len(chosen) > 1:
        return f"{_label(item)} is single-choice: choose one option, not {len(chosen)}"
    exclusive = [c for c in chosen if options[c].exclusive]
    if exclusive and len(chosen) > 1:
        return f"{_label(item)}: {exclusive[0]!r} ({options[exclusive[0]].label}) excludes the other options"
    return None


def resolve(scheme: Scheme, answers: AnswerSet) -> dict[str, Resolved]:
    """The options of every answered item (derived from figures where they are given). Raises
    AnswerErrors naming every item, option, figure or scene that does not fit."""
    items = {i.id: i for i in scheme.items}
    errors = [
        (f"choices.{k}", f"unknown item {k!r} in scheme {scheme.scheme_id} v{scheme.version}")
        for k in answers.choices
        if k not in items
    ]
    scenes = {s.id for s in scheme.scenes}
    for k, level in answers.scene_levels.items():
        if k not in scenes:
            errors.append((f"scene_levels.{k}", f"unknown business scene {k!r}"))
        elif not 0 <= level <= scheme.max_scene_level:
            errors.append((f"scene_levels.{k}", f"scene level {level} is outside 0–{scheme.max_scene_level}"))
    errors += _check_figures(scheme, answers)
    resolved: dict[str, Resolved] = {}
    for item in scheme.items:
        chosen = answers.choices.get(item.id)
        if chosen is not None:
            problem = _check_choice(item, chosen)
            if problem:
                errors.append((f"choices.{item.id}", problem))
                continue
            resolved[item.id] = Resolved(tuple(chosen), False)
    if errors:
        raise AnswerErrors(errors)
    for item in scheme.items:
        try:
            derived = derive_option(item, answers.figures)
        except (DivisionByZero, InvalidOperation):  # pragma: no cover - zero denominators are refused above
            derived = None
        if derived is None:
            continue
        given = resolved.get(item.id)
        if given is not None and given.options != (derived,):
            label = next(o.label for o in item.options if o.id == derived)
            errors.append(
                (
                    f"choices.{item.id}",
                    f"{_label(item)}: the figures give option {derived!r} ({label}), "
                    f"the answer says {', '.join(given.options)}",
                )
            )
        resolved[item.id] = Resolved((derived,), True)
    if errors:
        raise AnswerErrors(errors)
    return resolved


def _passes(rule: LevelRule, total: Decimal, scenes_at: int, constrained_at: int) -> bool:
    score_ok = total >= rule.min_score if rule.score_inclusive else total > rule.min_score
    return score_ok and scenes_at >= rule.min_scenes and constrained_at >= rule.min_constrained


def _counts(scheme: Scheme, levels: dict[str, int], at: int) -> tuple[int, int]:
    reached = [s for s in scheme.scenes if levels.get(s.id, 0) >= at]
    return len(reached), sum(1 for s in reached if s.constrained)


def rate(scheme: Scheme, total: Decimal, levels: dict[str, int]) -> int:
    """The highest level whose rule holds; 0 if none."""
    for rule in sorted(scheme.levels, key=lambda r: -r.level):
        if _passes(rule, total, *_counts(scheme, levels, rule.level)):
            return rule.level
    return 0


def clean(d: Decimal) -> Decimal:
    """The same number without trailing zeros (80.000 → 80, 2.50 → 2.5), never in exponent form."""
    return Decimal(format(d.normalize(), "f")) if d == d.to_integral_value() else d.normalize()


def _plural(n: int | Decimal, word: str) -> str:
    return f"{n} more {word}{'' if n == 1 else 's'}"


def gaps(scheme: Scheme, total: Decimal, levels: dict[str, int], current: int) -> list[LevelGap]:
    """For each level above `current`, exactly which conditions are missing."""
    out = []
    for rule in sorted(scheme.levels, key=lambda r: r.level):
        if rule.level <= current:
            continue
        scenes_at, constrained_at = _counts(scheme, levels, rule.level)
        missing = []
        score_short = clean(rule.min_score - total)
        if score_short > 0 or (score_short == 0 and not rule.score_inclusive):
            words = f"at least {rule.min_score}" if rule.score_inclusive else f"more than {rule.min_score}"
            bound_zh = "不低于" if rule.score_inclusive else "高于"
            missing.append(
                Missing(
                    kind="score",
                    need=rule.min_score,
                    have=total,
                    short=score_short,
                    message=f"{_plural(score_short, 'point')} ({words} needed, {total} scored)"
                    if score_short > 0
                    else f"a score {words} needed, {total} scored",
                    message_zh=f"总分还差{score_short}分（需{bound_zh}{rule.min_score}分，现为{total}分）",
                )
            )
        for kind, need, have, word, word_zh in (
            ("scenes", rule.min_scenes, scenes_at, "scene", "个场景"),
            ("constrained_scenes", rule.min_constrained, constrained_at, "constrained scene", "个约束性场景"),
        ):
            if have < need:
                missing.append(
                    Missing(
                        kind=kind,
                        need=Decimal(need),
                        have=Decimal(have),
                        short=Decimal(need - have),
                        message=f"{_plural(need - have, word)} at level {rule.level} or above",
                        message_zh=f"还需{need - have}{word_zh}达到{LEVEL_ZH[rule.level]}及以上",
                    )
                )
        out.append(LevelGap(level=rule.level, name=rule.name, missing=missing))
    return out


def score(scheme: Scheme, answers: AnswerSet) -> Score:
    """Score `answers` on `scheme`: points per item, sub-dimension and dimension, the level, the gaps."""
    resolved = resolve(scheme, answers)
    item_scores = []
    for item in scheme.items:
        r = resolved.get(item.id)
        points = sum((o.points for o in item.options if r and o.id in r.options), ZERO)
        item_scores.append(
            ItemScore(
                item_id=item.id,
                name=item.name,
                dimension=item.dimension,
                subdimension=item.subdimension,
                options=list(r.options) if r else [],
                derived=bool(r and r.derived),
                points=clean(min(points, item.max_points)),
                max_points=item.max_points,
            )
        )
    subs = []
    dims = []
    for d in scheme.dimensions:
        for sd in d.subdimensions:
            pts = sum((s.points for s in item_scores if (s.dimension, s.subdimension) == (d.id, sd.id)), ZERO)
            subs.append(PartScore(id=sd.id, name=sd.name, points=clean(pts), max_points=sd.max_points))
        pts = sum((s.points for s in item_scores if s.dimension == d.id), ZERO)
        dims.append(PartScore(id=d.id, name=d.name, points=clean(pts), max_points=d.max_points))
    total = clean(sum((d.points for d in dims), ZERO))
    levels = {s.id: answers.scene_levels.get(s.id, 0) for s in scheme.scenes}
    level = rate(scheme, total, levels)
    names = {r.level: r.name for r in scheme.levels}
    return Score(
        scheme_id=scheme.scheme_id,
        scheme_version=scheme.version,
        total=total,
        max_total=sum((d.max_points for d in scheme.dimensions), ZERO),
        level=level,
        level_name=names.get(level, LEVEL_ZH[0]),
        dimensions=dims,
        subdimensions=subs,
        items=item_scores,
        scenes=[
            SceneScore(scene_id=s.id, name=s.name, group=s.group, constrained=s.constrained, level=levels[s.id])
            for s in scheme.scenes
        ],
        gaps=gaps(scheme, total, levels, level),
        unanswered=[i.id for i in scheme.items if i.id not in resolved],
    )
