"""The development index (pure): indicators from a unit's aggregates, min-max normalisation across units,
weights, competition ranking with ties, and the ranks' sensitivity to each weight (±20%)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    direction: str  # higher or lower
    weight: float
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Methodology:
    version: int
    min_enterprises: int
    indicators: tuple[Indicator, ...]

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Methodology:
        indicators = tuple(Indicator(**i) for i in data["indicators"])
        total = sum(i.weight for i in indicators)
        if abs(total - 1) > 1e-9:
            raise ValueError(f"the weights of methodology v{data['version']} add up to {total}, not 1")
        return cls(int(data["version"]), int(data["min_enterprises"]), indicators)


def raw_values(m: Methodology, totals: Mapping[str, int]) -> dict[str, float | None]:
    """Each indicator's raw value for one unit (None: no denominator)."""
    out: dict[str, float | None] = {}
    for i in m.indicators:
        whole = totals.get(i.denominator, 0)
        out[i.id] = totals.get(i.numerator, 0) / whole if whole else None
    return out


def normalised(values: Sequence[float | None], direction: str) -> list[float]:
    """Min-max to 0-100 over the known values; unknown scores 0; all equal scores 100."""
    known = [v for v in values if v is not None]
    if not known:
        return [0.0 for _ in values]
    low, high = min(known), max(known)
    out = []
    for v in values:
        if v is None:
            out.append(0.0)
        elif high == low:
            out.append(100.0)
        else:
            share = (v - low) / (high - low)
            out.append(100 * (share if direction == "higher" else 1 - share))
    return out


def competition_ranks(values: Sequence[float]) -> list[int]:
    """1 for the highest; equal values (to two decimals) share a rank and the next rank skips (1, 2, 2, 4)."""
    rounded = [round(v, 2) for v in values]
    return [1 + sum(1 for other in rounded if other > v) for v in rounded]


def compute(
    m: Methodology, units: Mapping[str, Mapping[str, int]], weights: Mapping[str, float] | None = None
) -> dict[str, dict[str, Any]]:
    """unit → {value, rank, indicators: {id: (raw, normalised, weight, contribution)}}; units under
    min_enterprises get value 0 and rank after every eligible unit."""
    w = dict(weights or {i.id: i.weight for i in m.indicators})
    eligible = sorted(u for u, t in units.items() if t.get("enterprises", 0) >= m.min_enterprises)
    raws = {u: raw_values(m, units[u]) for u in eligible}
    table: dict[str, dict[str, Any]] = {u: {"indicators": {}} for u in units}
    for i in m.indicators:
        scores = normalised([raws[u][i.id] for u in eligible], i.direction)
        for u, s in zip(eligible, scores, strict=True):
            table[u]["indicators"][i.id] = (raws[u][i.id], round(s, 4), w[i.id], round(s * w[i.id], 4))
    for u in units:
        if u not in raws:
            table[u]["indicators"] = {i.id: (None, 0.0, w[i.id], 0.0) for i in m.indicators}
        table[u]["value"] = round(sum(c for *_, c in table[u]["indicators"].values()), 2)
    ranked = competition_ranks([table[u]["value"] for u in eligible])
    for u, r in zip(eligible, ranked, strict=True):
        table[u]["rank"] = r
    for u in units:
        table[u].setdefault("rank", len(eligible) + 1)
    return table


def sensitivity(m: Methodology, units: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, list[int]]]:
    """unit → indicator → [rank with that weight −20%, rank with it +20%] (the others rescaled to keep the sum 1)."""
    out: dict[str, dict[str, list[int]]] = {u: {} for u in units}
    for i in m.indicators:
        for factor in (0.8, 1.2):
            moved = i.weight * factor
            rest = (1 - moved) / (1 - i.weight) if i.weight < 1 else 0.0
            weights = {j.id: (moved if j.id == i.id else j.weight * rest) for j in m.indicators}
            for u, row in compute(m, units, weights).items():
                out[u].setdefault(i.id, []).append(row["rank"])
    return out
