"""Evaluating a 小灯塔 or benchmark candidate against an evaluation scheme (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from assessment.scoring.rules import AnswerErrors, clean
from contracts.api.evaluations import Check, EvaluationCreate, EvaluationScheme, Outcomes

SHARE = Decimal("0.0001")
SHARE_FIGURES = ("upload_rate", "defect_rate_before", "defect_rate_after")


def check_evidence(scheme: EvaluationScheme, cmd: EvaluationCreate) -> None:
    """Raise AnswerErrors naming every category, indicator, scene or figure the scheme does not have."""
    errors: list[tuple[str, str]] = []
    categories = [c.id for c in scheme.categories]
    if cmd.category not in categories:
        errors.append(
            ("category", f"unknown category {cmd.category!r}; {scheme.scheme_id} has {', '.join(categories)}")
        )
    for part, known in (
        ("indicators", {i.id for i in scheme.indicators}),
        ("scenes", {s.id for s in scheme.scenes}),
    ):
        given = getattr(cmd, part)
        errors += [(f"{part}.{x}", f"{scheme.scheme_id} has no {part[:-1]} {x!r}") for x in given if x not in known]
        errors += [(f"{part}.{x}", "named twice") for i, x in enumerate(given) if x in given[:i]]
    figures = {f.id for f in scheme.figures}
    for name, value in cmd.figures.items():
        if name not in figures:
            errors.append((f"figures.{name}", f"{scheme.scheme_id} has no figure {name!r}"))
        elif name in SHARE_FIGURES and value > 1:
            errors.append((f"figures.{name}", f"a share between 0 and 1, not {value}"))
    for before in ("efficiency_before", "cost_before"):
        if cmd.figures.get(before) == 0:
            errors.append((f"figures.{before}", "must be above 0 to compute the change"))
    if errors:
        raise AnswerErrors(errors)


def _share(value: Decimal) -> Decimal:
    return clean(value.quantize(SHARE, ROUND_HALF_UP))


def outcomes(figures: dict[str, Decimal]) -> Outcomes:
    """生产效率提升, 成本降低 and 产品不良率降低 from the before/after figures given."""
    out = Outcomes()
    eb, ea = figures.get("efficiency_before"), figures.get("efficiency_after")
    if eb is not None and ea is not None:
        out.efficiency_gain = clean(ea - eb)
        out.efficiency_gain_share = _share((ea - eb) / eb) if eb else None
    cb, ca = figures.get("cost_before"), figures.get("cost_after")
    if cb and ca is not None:
        out.cost_reduction = _share(1 - ca / cb)
    db, da = figures.get("defect_rate_before"), figures.get("defect_rate_after")
    if db is not None and da is not None:
        out.defect_rate_reduction = clean(db - da)
    return out


def evaluate(scheme: EvaluationScheme, cmd: EvaluationCreate, level: int | None) -> list[Check]:
    """Every rule of the scheme, checked: passed or not, and why."""
    rules = scheme.rules
    checks = []
    if rules.min_scenes:
        n = len(cmd.scenes)
        checks.append(
            Check(
                rule="min_scenes", passed=n >= rules.min_scenes, detail=f"{n} scenes formed, {rules.min_scenes} needed"
            )
        )
    for figure, minimum in rules.min_figures.items():
        value = cmd.figures.get(figure)
        detail = f"{figure} not given" if value is None else f"{figure} {value}, at least {minimum} needed"
        checks.append(Check(rule=f"min_{figure}", passed=value is not None and value >= minimum, detail=detail))
    for indicator in rules.required_indicators:
        met = indicator in cmd.indicators
        checks.append(
            Check(rule=f"indicator_{indicator}", passed=met, detail=f"{indicator} {'met' if met else 'not met'}")
        )
    if rules.min_indicators:
        n = len(cmd.indicators)
        checks.append(
            Check(
                rule="min_indicators",
                passed=n >= rules.min_indicators,
                detail=f"{n} indicators met, {rules.min_indicators} needed",
            )
        )
    if rules.min_level is not None:
        detail = (
            "no final digital-level assessment" if level is None else f"digital level {level}, {rules.min_level} needed"
        )
        checks.append(Check(rule="min_level", passed=level is not None and level >= rules.min_level, detail=detail))
    if rules.replicable_scene:
        named = bool(cmd.replicable_scene)
        checks.append(
            Check(
                rule="replicable_scene",
                passed=named,
                detail="named" if named else "no replicable (可复制推广) scene named",
            )
        )
    return checks
