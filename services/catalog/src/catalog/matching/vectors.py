"""The ranking of rules.py over arrays: every listed solution scored at once (numpy), the same scores and the
same order as `rules.rank`, in a tenth of the time.

Built once per catalogue version (with the in-memory index): one column per solution, in solution-id order
(so a tie goes to the lower position), holding what does not depend on the enterprise — the level each scene
is lifted to, the static points, the price, the divisions the solution is filed under, its items, whether it
has outcomes. An answer then adds the enterprise's parts column by column, and only the top of the list is
turned back into candidates to be explained.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from catalog.matching.rules import ANY, Candidate, Need, Weights, division_of

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Columns:
    candidates: list[Candidate]  # in solution-id order
    lifts: dict[str, npt.NDArray[np.int8]]  # scene → the level each solution lifts it to (0: not served)
    static: Floats
    price: npt.NDArray[np.int64]
    divisions: dict[str, Bools]  # division (or ANY) → the solutions filed under it
    targets: dict[str, Bools]  # target industry (a code or a declared sub-industry) → the solutions naming it
    open_to_all: Bools  # the solutions naming no target industry
    items: dict[str, Bools]  # scheme item → the solutions improving it
    has_outcomes: Bools
    improved: dict[str | None, npt.NDArray[np.int64]] = field(default_factory=dict)  # by sub-industry, lazily

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> Columns:
        ordered = sorted(candidates, key=lambda c: c.solution_id)
        n = len(ordered)
        lifts: dict[str, npt.NDArray[np.int8]] = {}
        divisions: dict[str, Bools] = {}
        items: dict[str, Bools] = {}
        targets: dict[str, Bools] = {}
        for i, c in enumerate(ordered):
            for scene, level in c.scenes.items():
                lifts.setdefault(scene, np.zeros(n, dtype=np.int8))[i] = level
            for d in {division_of(t) for t in c.industries} or {ANY}:
                divisions.setdefault(d, np.zeros(n, dtype=np.bool_))[i] = True
            for item in c.items:
                items.setdefault(item, np.zeros(n, dtype=np.bool_))[i] = True
            for t in c.industries:
                targets.setdefault(t, np.zeros(n, dtype=np.bool_))[i] = True
        return cls(
            candidates=ordered,
            lifts=lifts,
            static=np.array([c.static for c in ordered], dtype=np.float64),
            price=np.array([c.price_after_discount_fen for c in ordered], dtype=np.int64),
            divisions=divisions,
            targets=targets,
            open_to_all=np.array([not c.industries for c in ordered], dtype=np.bool_),
            items=items,
            has_outcomes=np.array([bool(c.outcomes) for c in ordered], dtype=np.bool_),
        )

    def improved_in(self, sub: str) -> npt.NDArray[np.int64]:
        """Each solution's improving verified outcomes in sub-industry `sub`; -1 where it has none there."""
        found = self.improved.get(sub)
        if found is None:
            values = [c.outcomes[sub].improved if sub in c.outcomes else -1 for c in self.candidates]
            found = self.improved[sub] = np.array(values, dtype=np.int64)
        return found


def rank_columns(cols: Columns, need: Need, w: Weights, limit: int) -> list[tuple[Candidate, float, str]]:
    """What `rules.rank` answers, computed over the columns: first which solutions can fit (filed under the
    enterprise's division or open to all, serving one of its weak scenes), then the points of those only."""
    n = len(cols.candidates)
    if n == 0:
        return []
    division = need.industry_code[:3] if need.industry_code else ANY
    none = np.zeros(n, dtype=np.bool_)
    selected = cols.divisions.get(ANY, none) | (cols.divisions.get(division, none) if division != ANY else none)
    if need.weak_scenes:
        serves = np.zeros(n, dtype=np.bool_)
        for scene in need.weak_scenes:
            if scene in cols.lifts:
                serves |= cols.lifts[scene] > 0
        selected &= serves
    where = np.flatnonzero(selected)
    fit = fits_of(cols, need.industry_code, need.sub_industry, where)
    where, fit = where[fit > 0], fit[fit > 0]  # industries that do not fit
    if where.size == 0:
        return []
    fit_points = np.array([np.nan, *(w.industry[name] for name in FITS[1:])], dtype=np.float64)
    total = fit_points[fit] + cols.static[where]
    last = len(w.scene_by_rank) - 1
    for r, scene in enumerate(need.weak_scenes):
        if scene not in cols.lifts:
            continue
        lift = cols.lifts[scene][where]
        beyond = np.maximum(lift.astype(np.float64) - (need.scene_levels.get(scene, 0) + 1), 0.0)
        total += np.where(lift > 0, w.scene_by_rank[min(r, last)] + w.scene_level_gap * beyond, 0.0)
    if need.weak_items:
        hits = np.zeros(where.size, dtype=np.float64)
        for item in need.weak_items:
            if item in cols.items:
                hits += cols.items[item][where]
        total += np.minimum(w.item_cap, w.item * hits)
    if need.sub_industry:
        same = cols.improved_in(need.sub_industry)[where]
        outcome = np.where(same >= 0, w.outcome_same_industry * np.minimum(w.outcome_cap, same), w.outcome_elsewhere)
    else:
        outcome = np.full(where.size, w.outcome_elsewhere)
    total += np.where(cols.has_outcomes[where], outcome, 0.0)
    if need.budget_fen is not None:
        total += np.where(cols.price[where] <= need.budget_fen, w.budget_fits, w.budget_exceeded)
    scores = np.round(total, 6)
    if where.size > limit:  # the `limit`-th best score, and everything at least as good (ties at the edge)
        cut = -np.partition(-scores, limit - 1)[limit - 1]
        keep = scores >= cut
        where, scores, fit = where[keep], scores[keep], fit[keep]
    order = np.lexsort((where, -scores))[:limit]  # best first, then solution id
    return [(cols.candidates[where[k]], float(scores[k]), str(FITS[fit[k]])) for k in order]


FITS = (None, "division", "group", "class", "sub_industry", "open")  # as rules.industry_fit names them


def fits_of(
    cols: Columns, code: str | None, sub: str | None, where: npt.NDArray[np.intp] | None = None
) -> npt.NDArray[np.int8]:
    """`rules.industry_fit` for every solution (or those at `where`), as an index into FITS (0: does not fit):
    the longest of the enterprise's code prefixes a solution names (3 characters: division, 4: group, else
    class), a named sub-industry above that, open to all above everything."""

    def part(mask: Bools) -> Bools:
        return mask if where is None else mask[where]

    fit = np.zeros(len(cols.candidates) if where is None else where.size, dtype=np.int8)
    for length in range(1, len(code or "") + 1):  # longer prefixes last: they win
        named = cols.targets.get((code or "")[:length])
        if named is not None:
            fit[part(named)] = 1 if length == 3 else 2 if length == 4 else 3
    if sub is not None and sub in cols.targets:
        fit[part(cols.targets[sub])] = 4
    fit[part(cols.open_to_all)] = 5
    return fit
