"""Ranking rules on a constructed catalogue: weak scenes and the industry first, deterministic, explained."""

from __future__ import annotations

import random
from dataclasses import replace

from catalog.matching.rules import (
    Candidate,
    Need,
    Outcomes,
    index_keys,
    industry_fit,
    quick_score,
    rank,
    static_points,
)
from catalog.matching.service import weights
from catalog.matching.vectors import Columns, rank_columns


def candidate(
    solution_id: str, scenes: dict[str, int], industries: tuple[str, ...] = ("C36",), **over: object
) -> Candidate:
    values: dict[str, object] = {
        "solution_id": solution_id,
        "provider_id": "pv_1",
        "name": solution_id,
        "category": "iiot",
        "scenes": scenes,
        "items": frozenset(),
        "industries": industries,
        "price_after_discount_fen": 1_000_000,
        "discount_pct": 0.0,
        "mean_stars": None,
        "ratings": 0,
        "unresolved_complaints": 0,
    }
    c = Candidate(**(values | over))  # type: ignore[arg-type]
    c.static = static_points(c, weights())
    return c


def index(*cs: Candidate) -> dict[tuple[str, str], list[Candidate]]:
    out: dict[tuple[str, str], list[Candidate]] = {}
    for c in cs:
        for key in index_keys(c):
            out.setdefault(key, []).append(c)
    return out


C36_NEED = Need("C3670", "SUB-C367", ["equipment", "energy"], {"equipment": 1, "energy": 1}, [], None)


def test_the_weak_scenes_and_the_industry_come_first() -> None:
    catalogue = [
        candidate("so_both", {"equipment": 3, "energy": 3}),
        candidate("so_equipment", {"equipment": 3}),
        candidate("so_energy", {"energy": 2}),
        candidate("so_food", {"equipment": 3, "energy": 3}, industries=("C13",)),
        candidate("so_open", {"energy": 2}, industries=()),
        candidate("so_finance", {"finance": 3}),
    ]
    ranked = [c.solution_id for c, _, _ in rank(index(*catalogue), C36_NEED, weights(), 10)]
    assert ranked == ["so_both", "so_equipment", "so_energy", "so_open"]


def test_the_same_inputs_always_give_the_same_ranking() -> None:
    catalogue = [candidate(f"so_{n:02d}", {"equipment": 3}) for n in range(20)]
    first = [c.solution_id for c, _, _ in rank(index(*catalogue), C36_NEED, weights(), 20)]
    again = [c.solution_id for c, _, _ in rank(index(*reversed(catalogue)), C36_NEED, weights(), 20)]
    assert first == again == sorted(first)


def test_verified_outcomes_in_the_same_sub_industry_and_ratings_lift_a_solution() -> None:
    plain = candidate("so_a", {"equipment": 3})
    proven = candidate(
        "so_b", {"equipment": 3}, outcomes={"SUB-C367": Outcomes(2, 2, {"energy": 12.5})}, mean_stars=4.5, ratings=4
    )
    ranked = [c.solution_id for c, _, _ in rank(index(plain, proven), C36_NEED, weights(), 10)]
    assert ranked == ["so_b", "so_a"]


def test_without_weak_scenes_every_fitting_solution_is_a_candidate() -> None:
    need = Need("C3670", "SUB-C367", [], {}, [], None)
    catalogue = [candidate("so_a", {"finance": 2}), candidate("so_b", {"human_resources": 2}, industries=("C13",))]
    assert [c.solution_id for c, _, _ in rank(index(*catalogue), need, weights(), 10)] == ["so_a"]


def test_industry_fit() -> None:
    assert industry_fit((), "C3670", None) == "open"
    assert industry_fit(("SUB-C367",), "C3670", "SUB-C367") == "sub_industry"
    assert industry_fit(("C3670",), "C3670", None) == "class"
    assert industry_fit(("C367",), "C3670", None) == "group"
    assert industry_fit(("C36", "C13"), "C3670", None) == "division"
    assert industry_fit(("C13",), "C3670", None) is None


def test_the_fast_ranking_scores_as_quick_score_does() -> None:
    rng = random.Random(5)
    scenes = ["equipment", "energy", "quality", "finance"]
    catalogue = [
        candidate(
            f"so_{n:03d}",
            {s: rng.randint(1, 4) for s in rng.sample(scenes, rng.randint(1, 3))},
            industries=rng.choice([(), ("C36",), ("C3670",), ("SUB-C367",), ("C13",)]),
            items=frozenset(rng.sample(["1.1", "2.3.1", "3.2"], rng.randint(0, 2))),
            discount_pct=float(rng.choice([0, 10, 25])),
            mean_stars=rng.choice([None, 2.5, 4.0]),
            unresolved_complaints=rng.randint(0, 4),
            outcomes=rng.choice([{}, {"SUB-C367": Outcomes(2, 3, {"energy": 9.0})}, {None: Outcomes(1, 1, {})}]),
            price_after_discount_fen=rng.randint(1, 40) * 100_000,
        )
        for n in range(300)
    ]
    need = Need("C3670", "SUB-C367", ["energy", "quality"], {"energy": 1, "quality": 2}, ["2.3.1"], 2_000_000)
    ranked = rank(index(*catalogue), need, weights(), 300)
    assert len(ranked) == sum(
        1
        for c in catalogue
        if industry_fit(c.industries, "C3670", "SUB-C367") is not None and set(c.scenes) & {"energy", "quality"}
    )
    for c, score, fit in ranked:
        assert abs(score - quick_score(c, need, weights(), fit)) < 1e-6, c.solution_id
    assert [s for _, s, _ in ranked] == sorted((s for _, s, _ in ranked), reverse=True)


SCENES = ["equipment", "energy", "quality", "finance", "production"]
TARGETS = [(), ("C36",), ("C3670",), ("C367",), ("SUB-C367",), ("C13",), ("C36", "C13"), ("SUB-UNKNOWN",)]
OUTCOMES = [{}, {"SUB-C367": Outcomes(2, 3, {})}, {"SUB-C367": Outcomes(0, 1, {})}, {None: Outcomes(1, 1, {})}]


def random_catalogue(rng: random.Random, n: int) -> list[Candidate]:
    """`n` solutions with every kind of part the ranking reads, drawn so that equal scores are common."""
    return [
        candidate(
            f"so_{k:04d}",
            {s: rng.randint(1, 4) for s in rng.sample(SCENES, rng.randint(1, 4))},
            industries=rng.choice(TARGETS),
            items=frozenset(rng.sample(["1.1", "2.3.1", "3.2"], rng.randint(0, 2))),
            discount_pct=float(rng.choice([0, 10, 25, 12.5])),
            mean_stars=rng.choice([None, 2.5, 4.0, 4.3]),
            unresolved_complaints=rng.randint(0, 4),
            outcomes=rng.choice(OUTCOMES),
            price_after_discount_fen=rng.randint(1, 40) * 100_000,
        )
        for k in range(n)
    ]


def test_the_top_of_the_list_is_what_scoring_every_candidate_gives() -> None:
    """A short list is the top of the full ranking, ties to the lower solution id."""
    rng = random.Random(11)
    for trial in range(20):
        catalogue = random_catalogue(rng, rng.randint(50, 400))
        weak = rng.sample(SCENES, rng.randint(1, 3))
        need = Need("C3670", "SUB-C367", weak, {s: 1 for s in weak}, ["2.3.1"], rng.choice([None, 2_000_000]))
        limit = rng.choice([1, 5, 10, 25])
        every = sorted(
            (-round(quick_score(c, need, weights(), fit), 6), c.solution_id)
            for c in catalogue
            if (fit := industry_fit(c.industries, "C3670", "SUB-C367")) is not None and set(c.scenes) & set(weak)
        )
        expected = [sid for _, sid in every[:limit]]
        assert [c.solution_id for c, _, _ in rank(index(*catalogue), need, weights(), limit)] == expected, trial


def test_the_ranking_over_arrays_answers_as_the_rule_does() -> None:
    """vectors.rank_columns (what answers use) gives the same solutions, scores, fits and order as rules.rank."""
    rng = random.Random(23)
    for trial in range(40):
        catalogue = random_catalogue(rng, rng.randint(0, 300))
        weak = rng.sample(SCENES, rng.randint(0, 3))
        need = Need(
            rng.choice(["C3670", "C1310", None]),
            rng.choice(["SUB-C367", None]),
            weak,
            {s: rng.randint(0, 3) for s in weak},
            rng.sample(["2.3.1", "1.1", "9.9"], rng.randint(0, 2)),
            rng.choice([None, 2_000_000]),
        )
        limit = rng.choice([1, 5, 10, 50])
        expected = [(c.solution_id, round(s, 6), f) for c, s, f in rank(index(*catalogue), need, weights(), limit)]
        got = [(c.solution_id, s, f) for c, s, f in rank_columns(Columns.of(catalogue), need, weights(), limit)]
        assert got == expected, (trial, need)


def test_one_catalogue_answers_many_enterprises_and_weights_as_the_rule_does() -> None:
    """One set of columns answers every enterprise and any weights as the rule does (nothing of one answer is
    left in the columns for the next, except the outcomes per sub-industry kept on first use)."""
    rng = random.Random(31)
    catalogue = random_catalogue(rng, 300)
    columns, listed = Columns.of(catalogue), index(*catalogue)
    other = replace(
        weights(), scene_by_rank=(50.0, 5.0), scene_level_gap=9.0, industry={**weights().industry, "open": 1.0}
    )
    for trial in range(120):
        weak = rng.sample(SCENES, rng.randint(0, 3))
        need = Need(
            rng.choice(["C3670", "C3671", "C1310", None]),
            rng.choice(["SUB-C367", None]),
            weak,
            {s: rng.randint(0, 3) for s in weak},
            rng.sample(["2.3.1", "1.1"], rng.randint(0, 1)),
            rng.choice([None, 2_000_000]),
        )
        w = rng.choice([weights(), other])
        expected = [(c.solution_id, round(s, 6), f) for c, s, f in rank(listed, need, w, 10)]
        got = [(c.solution_id, s, f) for c, s, f in rank_columns(columns, need, w, 10)]
        assert got == expected, (trial, need, w is other)
