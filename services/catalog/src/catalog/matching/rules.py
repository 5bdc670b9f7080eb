"""Ranking listed solutions for one enterprise (pure, deterministic): the weights are data (weights.v*.json).

For each candidate — a listed solution of an approved provider that serves at least one of the enterprise's
weak scenes (any solution when nothing is known to be weak) and whose target industries fit the enterprise's
(or names none) — the score adds: points per weak scene it serves (more for weaker ones, more if it lifts the
scene further), per weak item it improves (capped), for industry fit (sub-industry > class > group >
division > open to all), per verified improving outcome in the same sub-industry (capped), for the provider's
stars above or below three, for the discount, for fitting the budget (or not), and less per unresolved
complaint against the provider. Ties go to the lower solution id.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from contracts.api.matching import MatchReason
from contracts.codes import miit_scenes, sub_industries


@dataclass(frozen=True)
class Weights:
    version: int
    scene_by_rank: tuple[float, ...]
    scene_level_gap: float
    item: float
    item_cap: float
    industry: Mapping[str, float]
    outcome_same_industry: float
    outcome_cap: int
    outcome_elsewhere: float
    stars_above_three: float
    discount_per_pct: float
    budget_fits: float
    budget_exceeded: float
    unresolved_complaint: float
    complaint_cap: float
    results_max: int

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Weights:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        values["scene_by_rank"] = tuple(values["scene_by_rank"])
        return cls(**values)


@dataclass(frozen=True)
class Outcomes:
    """Verified outcomes of one solution in one sub-industry: how many improved, and the mean improvement."""

    improved: int
    verified: int
    mean_pct_by_metric: Mapping[str, float]


@dataclass
class Candidate:
    """A listed solution with what the ranking needs (built once per catalogue version)."""

    solution_id: str
    provider_id: str
    name: str
    category: str
    scenes: Mapping[str, int]
    items: frozenset[str]
    industries: tuple[str, ...]
    price_after_discount_fen: int
    discount_pct: float
    mean_stars: float | None
    ratings: int
    unresolved_complaints: int
    outcomes: dict[str | None, Outcomes] = field(default_factory=dict)  # by sub-industry
    static: float = 0.0  # the points that do not depend on the enterprise (see `static_points`)


@dataclass(frozen=True)
class Need:
    """What one enterprise needs: its industry, its weak scenes (weakest first) and their levels, items, budget."""

    industry_code: str | None
    sub_industry: str | None
    weak_scenes: Sequence[str]
    scene_levels: Mapping[str, int]
    weak_items: Sequence[str]
    budget_fen: int | None


def industry_fit(industries: Sequence[str], code: str | None, sub: str | None) -> str | None:
    """How the solution's target industries fit the enterprise: sub_industry, class, group, division, open;
    None when it names industries and none fits."""
    if not industries:
        return "open"
    if sub is not None and sub in industries:
        return "sub_industry"
    best = 0
    for target in industries:
        if code and not target.startswith("SUB-") and code.startswith(target):
            best = max(best, len(target))
    return {0: None, 3: "division", 4: "group"}.get(best, "class") if best else None


def static_points(c: Candidate, w: Weights) -> float:
    """Stars, discount and complaints: the same for every enterprise, computed once per catalogue version."""
    total = w.stars_above_three * (c.mean_stars - 3) if c.mean_stars is not None else 0.0
    total += w.discount_per_pct * c.discount_pct
    return total + max(w.complaint_cap, w.unresolved_complaint * c.unresolved_complaints)


def quick_score(c: Candidate, need: Need, w: Weights, fit: str) -> float:
    """The score without its explanation (the hot loop runs this for every candidate)."""
    total = w.industry[fit] + c.static
    for rank, scene in enumerate(need.weak_scenes):
        lifts = c.scenes.get(scene)
        if lifts is not None:
            total += w.scene_by_rank[min(rank, len(w.scene_by_rank) - 1)]
            total += w.scene_level_gap * max(0, lifts - need.scene_levels.get(scene, 0) - 1)
    if need.weak_items:
        total += min(w.item_cap, w.item * sum(1 for i in need.weak_items if i in c.items))
    same = c.outcomes.get(need.sub_industry) if need.sub_industry else None
    if same is not None:
        total += w.outcome_same_industry * min(w.outcome_cap, same.improved)
    elif c.outcomes:
        total += w.outcome_elsewhere
    if need.budget_fen is not None:
        total += w.budget_fits if c.price_after_discount_fen <= need.budget_fen else w.budget_exceeded
    return total


def points(value: float) -> Decimal:
    """Points rounded to one decimal, half up (a negative zero is zero)."""
    return _points(value + 0.0)


@lru_cache(maxsize=65536)
def _points(value: float) -> Decimal:  # a few hundred distinct values per answer, mostly the same ones
    return Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


_FIT_WORDS = {
    "sub_industry": ("专为本细分行业设计", "built for this sub-industry"),
    "class": ("面向本行业小类", "built for this industry class"),
    "group": ("面向本行业中类", "built for this industry group"),
    "division": ("面向本行业大类", "built for this industry division"),
    "open": ("适用于各制造业行业", "open to every manufacturing industry"),
}
_METRIC_WORDS = {
    "efficiency": ("效率", "efficiency"),
    "cost": ("成本", "cost"),
    "defect_rate": ("不良率", "defect rate"),
    "energy": ("能耗", "energy use"),
    "delivery_time": ("交付周期", "delivery time"),
}


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


# A reason depends on a handful of values (a scene, its levels, a price, a weight): the same reasons recur in
# every answer, so each is built once (and shared: nobody changes a MatchReason after it is made).
@lru_cache(maxsize=16384)
def _reason(kind: str, value: float, zh: str, en: str) -> MatchReason:
    return MatchReason(kind=kind, points=points(value), zh=zh, en=en)


@lru_cache(maxsize=16384)
def _scene_reason(scene: str, now: int | None, lifts: int, gain: float) -> MatchReason:
    name = miit_scenes()[scene].name
    where = f"（现为{now}级）" if now is not None else ""
    return _reason(
        "scene",
        gain,
        f"针对薄弱场景「{name}」{where}，可提升至{lifts}级",
        f"addresses the weak scene {scene}"
        + (f" (now level {now})" if now is not None else "")
        + f", lifting it to level {lifts}",
    )


@lru_cache(maxsize=16384)
def _rating_reason(stars: float, ratings: int, value: float) -> MatchReason:
    return _reason(
        "rating",
        value,
        f"企业评价平均{stars:.1f}星（{ratings}条）",
        f"enterprises rate the provider {stars:.1f} stars on average ({ratings} ratings)",
    )


@lru_cache(maxsize=16384)
def _discount_reason(discount_pct: float, price_fen: int, value: float) -> MatchReason:
    return _reason(
        "discount",
        value,
        f"让利{discount_pct:g}%，优惠后最低{_yuan(price_fen)}元",
        f"{discount_pct:g}% programme discount: from CNY {_yuan(price_fen)}",
    )


@lru_cache(maxsize=16384)
def _budget_reason(fits: bool, budget_fen: int, value: float) -> MatchReason:
    return _reason(
        "budget",
        value,
        ("在预算内" if fits else "超出预算") + f"（预算{_yuan(budget_fen)}元）",
        ("within" if fits else "over") + f" the budget of CNY {_yuan(budget_fen)}",
    )


def explain(c: Candidate, need: Need, w: Weights, fit: str) -> list[MatchReason]:
    """The reasons behind `quick_score`, in Chinese and English (each reason's points rounded to one decimal)."""
    out: list[MatchReason] = []
    for rank, scene in enumerate(need.weak_scenes):
        lifts = c.scenes.get(scene)
        if lifts is None:
            continue
        now = need.scene_levels.get(scene)
        gain = w.scene_by_rank[min(rank, len(w.scene_by_rank) - 1)]
        gain += w.scene_level_gap * max(0, lifts - (now or 0) - 1)
        out.append(_scene_reason(scene, now, lifts, gain))
    hits = [i for i in need.weak_items if i in c.items]
    if hits:
        joined = ", ".join(hits)
        value = min(w.item_cap, w.item * len(hits))
        out.append(_reason("item", value, f"改进评测薄弱项 {joined}", f"improves the weak scheme items {joined}"))
    zh, en = _FIT_WORDS[fit]
    out.append(_reason("industry", w.industry[fit], zh, en))
    same = c.outcomes.get(need.sub_industry) if need.sub_industry else None
    if same is not None:
        achieved = "，".join(
            f"{_METRIC_WORDS[m][0]}平均改善{v:.1f}%" for m, v in sorted(same.mean_pct_by_metric.items())
        )
        achieved_en = ", ".join(
            f"{_METRIC_WORDS[m][1]} improved {v:.1f}% on average" for m, v in sorted(same.mean_pct_by_metric.items())
        )
        out.append(
            MatchReason(
                kind="outcome",
                points=points(w.outcome_same_industry * min(w.outcome_cap, same.improved)),
                zh=f"同细分行业已验证成效{same.verified}项：{achieved}",
                en=f"{same.verified} verified outcomes in the same sub-industry: {achieved_en}",
            )
        )
    elif c.outcomes:
        elsewhere = ("在其他行业有经核实的应用成效", "verified outcomes in other industries")
        out.append(_reason("outcome", w.outcome_elsewhere, *elsewhere))
    if c.mean_stars is not None:
        out.append(_rating_reason(c.mean_stars, c.ratings, w.stars_above_three * (c.mean_stars - 3)))
    if c.discount_pct:
        out.append(_discount_reason(c.discount_pct, c.price_after_discount_fen, w.discount_per_pct * c.discount_pct))
    if need.budget_fen is not None:
        fits = c.price_after_discount_fen <= need.budget_fen
        out.append(_budget_reason(fits, need.budget_fen, w.budget_fits if fits else w.budget_exceeded))
    if c.unresolved_complaints:
        out.append(
            _reason(
                "complaints",
                max(w.complaint_cap, w.unresolved_complaint * c.unresolved_complaints),
                f"服务商有{c.unresolved_complaints}项投诉未处理",
                f"{c.unresolved_complaints} unresolved complaints against the provider",
            )
        )
    return out


ANY = "*"


def division_of(target: str) -> str:
    """The GB/T 4754 division a target industry falls in (a sub-industry through its prefix)."""
    if target.startswith("SUB-"):
        declared = sub_industries().get(target)
        return declared.prefix[:3] if declared else ANY
    return target[:3]


def index_keys(c: Candidate) -> set[tuple[str, str]]:
    """Where a candidate is filed: (scene or ANY, division or ANY) for each scene it serves and each division it
    targets (ANY: open to all), so an answer only looks at candidates that can fit."""
    divisions = {division_of(i) for i in c.industries} or {ANY}
    return {(scene, d) for scene in [*c.scenes, ANY] for d in divisions}


@lru_cache(maxsize=65536)
def fit_of(industries: tuple[str, ...], code: str | None, sub: str | None) -> str | None:
    """`industry_fit`, remembered (solutions share few target-industry lists, enterprises few codes)."""
    return industry_fit(industries, code, sub)


def _scene_points(
    filed: Mapping[tuple[str, str], Sequence[Candidate]], divisions: Sequence[str], need: Need, w: Weights
) -> tuple[dict[str, float], dict[str, Candidate]]:
    """Points for the weak scenes, summed per candidate scene by scene (each filed list is walked once)."""
    points: dict[str, float] = {}
    pool: dict[str, Candidate] = {}
    last = len(w.scene_by_rank) - 1
    for r, scene in enumerate(need.weak_scenes):
        base, next_level = w.scene_by_rank[min(r, last)], need.scene_levels.get(scene, 0) + 1
        for d in divisions:
            for c in filed.get((scene, d), ()):
                beyond = c.scenes[scene] - next_level
                gain = base + w.scene_level_gap * beyond if beyond > 0 else base
                if c.solution_id in points:
                    points[c.solution_id] += gain
                else:
                    points[c.solution_id], pool[c.solution_id] = gain, c
    if not need.weak_scenes:
        for d in divisions:
            for c in filed.get((ANY, d), ()):
                points[c.solution_id], pool[c.solution_id] = 0.0, c
    return points, pool


def rank(
    filed: Mapping[tuple[str, str], Sequence[Candidate]], need: Need, w: Weights, limit: int
) -> list[tuple[Candidate, float, str]]:
    """The top `limit` candidates with their score (`quick_score`, summed scene by scene) and industry fit, best
    first, ties by solution id. The rule as it reads; answers use the same ranking over arrays (vectors.py),
    which a test holds equal to this one."""
    division = need.industry_code[:3] if need.industry_code else ANY
    points, pool = _scene_points(filed, [division, ANY] if division != ANY else [ANY], need, w)
    items, sub, budget = frozenset(need.weak_items), need.sub_industry, need.budget_fen
    fits: dict[tuple[str, ...], str | None] = {}  # candidates share few target-industry lists
    scored = []
    for solution_id, c in pool.items():
        fit = fits.get(c.industries, "")
        if fit == "":
            fit = fits[c.industries] = fit_of(c.industries, need.industry_code, sub)
        if fit is None:
            continue
        total = points[solution_id] + w.industry[fit] + c.static
        if items:
            total += min(w.item_cap, w.item * len(items & c.items))
        if c.outcomes:
            same = c.outcomes.get(sub) if sub else None
            total += w.outcome_same_industry * min(w.outcome_cap, same.improved) if same else w.outcome_elsewhere
        if budget is not None:
            total += w.budget_fits if c.price_after_discount_fen <= budget else w.budget_exceeded
        scored.append((-round(total, 6), solution_id, c, fit))
    return [(c, -s, fit) for s, _, c, fit in heapq.nsmallest(limit, scored, key=_order)]


def _order(t: tuple[float, str, Candidate, str]) -> tuple[float, str]:
    return t[0], t[1]
