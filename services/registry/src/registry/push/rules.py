"""A provider's data-quality score from its batches' tallies (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from contracts.push import ProviderQuality

WEIGHTS = {"accepted": 50, "completeness": 25, "timeliness": 25}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class QualityTallies:
    """One provider's batch tallies summed over a window (what the score is computed from)."""

    provider_id: str
    batches: int = 0
    counted: int = 0
    rejected: int = 0
    accepted: int = 0
    optional_filled: int = 0
    optional_possible: int = 0
    timely: int = 0
    last_push_at: datetime | None = None


def quality(t: QualityTallies, days: int, timely_days: int) -> ProviderQuality:
    """Score = 50 × (1 − rejected share) + 25 × completeness + 25 × timeliness, 0–100, one decimal
    (half up), from the shares as shown (four decimals)."""
    counted, rejected, accepted = t.counted, t.rejected, t.accepted
    rejected_share = _share(rejected, counted)
    completeness = _share(t.optional_filled, t.optional_possible)
    timeliness = _share(t.timely, accepted)
    score = None
    if rejected_share is not None:
        exact = (
            WEIGHTS["accepted"] * (1 - Decimal(str(rejected_share)))
            + WEIGHTS["completeness"] * Decimal(str(completeness or 0))
            + WEIGHTS["timeliness"] * Decimal(str(timeliness or 0))
        )
        score = float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))
    return ProviderQuality(
        provider_id=t.provider_id,
        days=days,
        batches=t.batches,
        records=counted,
        rejected=rejected,
        rejected_share=rejected_share,
        completeness=completeness,
        timeliness=timeliness,
        timely_days=timely_days,
        score=score,
        last_push_at=t.last_push_at,
    )
