"""The city feed's figures (pure): a unit's KPIs from its aggregate cells, with every figure over fewer than
SMALL_CELL enterprises suppressed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from contracts.events.indexer import SMALL_CELL

COUNTS = ("enterprises", "assessed", "transformed", "designated", "cloud", "with_loans", "with_subsidies")


def suppress(n: int) -> int | None:
    """A count as published: 0, or at least SMALL_CELL; 1 and 2 are withheld."""
    return n if n == 0 or n >= SMALL_CELL else None


def unit_kpis(cells: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    """A unit's figures, suppressed, with the list of what was withheld."""
    totals = dict.fromkeys(("enterprises", "assessed", "level_2_plus", "level_sum", *COUNTS), 0)
    for c in cells:
        for k in totals:
            totals[k] += c[k]
    out: dict[str, Any] = {k: suppress(totals[k]) for k in COUNTS}
    assessed = totals["assessed"]
    big_enough = assessed >= SMALL_CELL
    out["level_2_plus_share"] = round(totals["level_2_plus"] / assessed, 4) if big_enough else None
    out["mean_level"] = round(totals["level_sum"] / assessed, 2) if big_enough else None
    withheld = [k for k in COUNTS if out[k] is None]
    withheld += [k for k in ("level_2_plus_share", "mean_level") if out[k] is None and assessed]
    out["suppressed"] = withheld
    return out


def share_or_none(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole >= SMALL_CELL else None
