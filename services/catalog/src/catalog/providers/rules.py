"""A provider's rating (pure): verified outcomes, enterprises' stars, unresolved complaints and the registry's
data-quality score, each with a prior so that one early figure cannot make or break a provider.

    outcomes   30 × (improved + 1) / (verified + 2)           (no outcomes yet: 15)
    stars      30 × (mean stars − 1) / 4, the mean taken with two 3-star ratings added (none yet: 15)
    quality    30 × data-quality / 100                         (never pushed: 15)
    complaints 10 − 5 per unresolved complaint, at least 0
The score is their sum, 0-100, one decimal (half up).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Standing:
    """What a provider's rating is computed from."""

    verified_outcomes: int = 0
    improved_outcomes: int = 0
    ratings: int = 0
    stars_sum: int = 0
    unresolved_complaints: int = 0
    data_quality: Decimal | None = None


def mean_stars(s: Standing) -> Decimal | None:
    return (Decimal(s.stars_sum) / s.ratings).quantize(Decimal("0.01"), ROUND_HALF_UP) if s.ratings else None


def components(s: Standing) -> dict[str, Decimal]:
    outcomes = Decimal(30) * (s.improved_outcomes + 1) / (s.verified_outcomes + 2)
    stars = Decimal(30) * ((Decimal(s.stars_sum + 6) / (s.ratings + 2)) - 1) / 4
    quality = Decimal(15) if s.data_quality is None else Decimal(30) * s.data_quality / 100
    complaints = Decimal(max(0, 10 - 5 * s.unresolved_complaints))
    parts = {"outcomes": outcomes, "stars": stars, "data_quality": quality, "complaints": complaints}
    return {k: v.quantize(ONE_DECIMAL, ROUND_HALF_UP) for k, v in parts.items()}


def score(s: Standing) -> Decimal:
    return sum(components(s).values(), Decimal(0)).quantize(ONE_DECIMAL, ROUND_HALF_UP)
