"""The cells kept by deltas equal the cells counted from scratch, over random changes of random facts."""

from __future__ import annotations

import random
from collections import defaultdict

from indexer.facts.rules import METRICS, CellKey, Fact, cells_of, deltas, new_fact


def test_summed_deltas_equal_a_count_from_scratch() -> None:
    rng = random.Random(8)
    facts: dict[str, Fact] = {}
    kept: defaultdict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for _ in range(3000):
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
        for key, moved in deltas([(before, after)]).items():
            for m, v in moved.items():
                kept[key][m] += v
        facts[uscc] = after
    scratch = cells_of(facts.values())
    assert {k: v for k, v in kept.items() if v["enterprises"]} == scratch
    assert all(not any(v.values()) for k, v in kept.items() if k not in scratch)
