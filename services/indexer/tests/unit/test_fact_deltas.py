"""The cells kept by deltas equal the cells counted from scratch, over random changes of random facts."""

from __future__ import annotations

import random
from collections import defaultdict

from indexer.facts.rules import METRICS, CellKey, Fact, cells_of, deltas, new_fact


def random_changes(rng: random.Random, n: int) -> tuple[list[tuple[Fact | None, Fact]], dict[str, Fact]]:
    """`n` random changes of ~200 enterprises' facts, as (before, after) pairs, and the facts at the end."""
    facts: dict[str, Fact] = {}
    pairs: list[tuple[Fact | None, Fact]] = []
    for _ in range(n):
        uscc = f"u{rng.randint(0, 200)}"
        before = dict(facts[uscc]) if uscc in facts else None
        after = dict(before) if before else new_fact(uscc, rng.choice(["500103", "500104"]))
        change = rng.choice(["register", "level", "move", "tier", "stage", "title", "cloud"])
        if change == "register":
            after |= {"version": after["version"] + 1, "size_class": rng.choice(["small", "micro", None])}
        elif change == "level":
            after["level"] = rng.choice([None, 0, 1, 2, 3, 4])
        elif change == "move":
            after["district_code"] = rng.choice(["500103", "500104", "500105"])
        elif change == "tier":
            after["tier"] = rng.choice([None, "specialised", "little_giant"])
            after["above_scale"] = rng.choice([None, True, False])
        elif change == "stage":
            after["stage_seq"] = max(after["stage_seq"], rng.randint(0, 8))
        elif change == "title":
            after["designations"] = max(0, after["designations"] + rng.choice([1, -1]))
        else:
            after["cloud"] = True
        pairs.append((before, after))
        facts[uscc] = after
    return pairs, facts


def summed(moves: list[dict[CellKey, dict[str, int]]]) -> defaultdict[CellKey, dict[str, int]]:
    kept: defaultdict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for moved in moves:
        for key, values in moved.items():
            for m, v in values.items():
                kept[key][m] += v
    return kept


def test_summed_deltas_equal_a_count_from_scratch() -> None:
    pairs, facts = random_changes(random.Random(8), 3000)
    kept = summed([deltas([pair]) for pair in pairs])
    scratch = cells_of(facts.values())
    assert {k: v for k, v in kept.items() if v["enterprises"]} == scratch
    assert all(not any(v.values()) for k, v in kept.items() if k not in scratch)


def test_a_batch_moves_the_cells_as_its_changes_one_by_one() -> None:
    """A batch's changes are tallied by cell and contribution before they are added up (`deltas`)."""
    pairs, _ = random_changes(random.Random(9), 3000)
    one_by_one = {k: v for k, v in summed([deltas([pair]) for pair in pairs]).items() if any(v.values())}
    batch = deltas(pairs)
    assert batch == one_by_one
    assert {type(v) for moved in batch.values() for v in moved.values()} == {int}  # counts, not booleans
