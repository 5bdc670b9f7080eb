"""The data-quality score from a provider's tallies."""

from registry.push.rules import QualityTallies, quality


def test_score_weights_and_shares() -> None:
    q = quality(
        QualityTallies(
            provider_id="pv",
            batches=2,
            counted=8,
            rejected=2,
            accepted=6,
            optional_filled=9,
            optional_possible=36,
            timely=3,
        ),
        days=90,
        timely_days=7,
    )
    assert (q.rejected_share, q.completeness, q.timeliness) == (0.25, 0.25, 0.5)
    assert q.score == 56.3  # 37.5 + 6.25 + 12.5 = 56.25, half up


def test_a_perfect_and_an_empty_provider() -> None:
    perfect = QualityTallies(
        provider_id="pv", counted=4, rejected=0, accepted=4, optional_filled=8, optional_possible=8, timely=4
    )
    assert quality(perfect, 90, 7).score == 100.0
    empty = quality(QualityTallies(provider_id="pv"), 90, 7)
    assert (empty.records, empty.rejected_share, empty.score) == (0, None, None)


def test_all_rejected_scores_zero() -> None:
    q = quality(QualityTallies(provider_id="pv", counted=3, rejected=3, accepted=0), 90, 7)
    assert (q.score, q.completeness, q.timeliness) == (0.0, None, None)
