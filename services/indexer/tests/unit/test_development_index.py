"""The development index on a small hand-computed example: normalisation, weights, ties, the small-unit rule,
and the sensitivity of ranks to each weight."""

from __future__ import annotations

import pytest

from indexer.devindex.rules import Methodology, competition_ranks, compute, normalised, sensitivity
from indexer.devindex.service import methodology

TWO = Methodology.parse(
    {
        "version": 9,
        "min_enterprises": 3,
        "indicators": [
            {"id": "l2", "name": "二级占比", "direction": "higher", "weight": 0.75, "numerator": "level_2_plus", "denominator": "assessed"},
            {"id": "tr", "name": "转型占比", "direction": "higher", "weight": 0.25, "numerator": "transformed", "denominator": "enterprises"},
        ],
    }
)  # fmt: skip


def unit(enterprises: int, assessed: int, level_2_plus: int, transformed: int) -> dict[str, int]:
    return {"enterprises": enterprises, "assessed": assessed, "level_2_plus": level_2_plus, "transformed": transformed}


def test_min_max_normalisation_by_direction() -> None:
    assert normalised([0.2, 0.6, 1.0, None], "higher") == pytest.approx([0.0, 50.0, 100.0, 0.0])
    assert normalised([0.2, 0.6, 1.0], "lower") == pytest.approx([100.0, 50.0, 0.0])
    assert normalised([0.5, 0.5], "higher") == [100.0, 100.0]


def test_competition_ranking_with_ties() -> None:
    assert competition_ranks([80.0, 60.0, 80.0, 10.0, 60.004]) == [1, 3, 1, 5, 3]


def test_a_hand_computed_index() -> None:
    units = {
        "A": unit(10, 10, 8, 5),  # l2 0.8 → 100; tr 0.5 → 100: 75 + 25 = 100
        "B": unit(10, 10, 4, 5),  # l2 0.4 → 0;   tr 0.5 → 100: 0 + 25 = 25
        "C": unit(10, 5, 3, 0),  # l2 0.6 → 50;  tr 0.0 → 0:   37.5 + 0 = 37.5
        "D": unit(10, 0, 0, 5),  # l2 unknown → 0; tr 0.5 → 100: 25 (ties with B)
        "E": unit(2, 2, 2, 2),  # under 3 enterprises: 0, ranked after every eligible unit
    }
    table = compute(TWO, units)
    assert {u: (r["value"], r["rank"]) for u, r in table.items()} == {
        "A": (100.0, 1),
        "C": (37.5, 2),
        "B": (25.0, 3),
        "D": (25.0, 3),
        "E": (0.0, 5),
    }
    assert table["C"]["indicators"]["l2"] == (0.6, 50.0, 0.75, 37.5)


def test_ranks_move_with_the_weights() -> None:
    units = {"A": unit(10, 10, 8, 0), "B": unit(10, 10, 4, 10), "C": unit(10, 10, 6, 5)}
    moves = sensitivity(TWO, units)
    assert set(moves["A"]) == {"l2", "tr"} and all(len(v) == 2 for v in moves["A"].values())
    base = {u: r["rank"] for u, r in compute(TWO, units).items()}
    assert base == {"A": 1, "C": 2, "B": 3}
    assert moves["A"]["l2"] == [1, 1]


def test_the_shipped_methodology_adds_up_and_a_bad_one_is_refused() -> None:
    assert abs(sum(i.weight for i in methodology().indicators) - 1) < 1e-9
    with pytest.raises(ValueError, match="add up"):
        Methodology.parse(
            {"version": 2, "min_enterprises": 3, "indicators": [{**TWO.indicators[0].__dict__, "weight": 0.5}]}
        )
