"""Outcome arithmetic (pure): the improvement a before/after figure shows, signed so that positive is better."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from contracts.api.adoptions import LOWER_IS_BETTER, OutcomeMetric


def improvement_pct(metric: OutcomeMetric, before: Decimal, after: Decimal) -> Decimal:
    """(after − before) / before in percent, negated for metrics where lower is better; one decimal, half up."""
    change = (after - before) / before * 100
    if metric in LOWER_IS_BETTER:
        change = -change
    return change.quantize(Decimal("0.1"), ROUND_HALF_UP)
