"""A provider's data-quality score from its batches' tallies (pure)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from contracts.push import ProviderQuality

WEIGHTS = {"accepted": 50, "completeness": 25, "timeliness": 25}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def quality(t: dict[str, Any], days: int, timely_days: int) -> ProviderQuality:
    """Score = 50 × (1 − rejected share) + 25 × completeness + 25 × timeliness, 0–100, one decimal
    (half up), from the shares as shown (four decimals)."""
    counted, rejected, accepted = int(t.get("counted") or 0), int(t.get("rejected") or 0), int(t.get("accepted") or 0)
    rejected_share = _share(rejected, counted)
    completeness = _share(int(t.get("optional_filled") or 0), int(t.get("optional_possible") or 0))
    timeliness = _share(int(t.get("timely") or 0), accepted)
    score = None
    if rejected_share is not None:
        exact = (
            WEIGHTS["accepted"] * (1 - Decimal(str(rejected_share)))
            + WEIGHTS["completeness"] * Decimal(str(completeness or 0))
            + WEIGHTS["timeliness"] * Decimal(str(timeliness or 0))
        )
        score = float(exact.quantize(Decimal("0.1"), ROUND_HALF_UP))
    return ProviderQuality(
        provider_id=t["provider_id"],
        days=days,
        batches=int(t.get("batches") or 0),
        records=counted,
        rejected=rejected,
        rejected_share=rejected_share,
        completeness=completeness,
        timeliness=timeliness,
        timely_days=timely_days,
        score=score,
        last_push_at=t.get("last_push_at"),
    )
