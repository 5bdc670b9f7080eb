"""Enterprise facts and the aggregate cells they count in (pure).

A fact is a dict of the `enterprise_facts` columns. Each event changes some facts; each changed fact moves its
contribution out of the cell it was counted in and into the one it is counted in now, so the cells are kept
by deltas and always equal a GROUP BY over the facts (`cells_of`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from contracts.api.journey import STAGES, Stage

Fact = dict[str, Any]
CellKey = tuple[str, int, str, str, str]
METRICS = (
    "enterprises", "assessed", "level_2_plus", "level_sum", "transformed", "designated", "adopted", "cloud",
    "with_loans", "with_subsidies", "chain_members",
)  # fmt: skip
TRANSFORMED_FROM = STAGES.index(Stage.IMPLEMENTATION) + 1  # an enterprise whose project reached 项目实施


def new_fact(uscc: str, district_code: str) -> Fact:
    """A fact known only by an event of another service (not counted until the registration arrives)."""
    return {
        "uscc": uscc, "district_code": district_code, "industry_division": None, "key_industry_id": None,
        "sub_industry": None, "tier": None, "size_class": None, "above_scale": None, "chain_member": False,
        "version": 0, "level": None, "level_at": None, "stage_seq": 0, "designations": 0, "demanded": False,
        "adopted": False, "cloud": False, "loans": 0, "subsidies": 0,
    }  # fmt: skip


def cell_of(f: Mapping[str, Any]) -> CellKey:
    scale = "" if f["above_scale"] is None else ("y" if f["above_scale"] else "n")
    return (f["district_code"], f["key_industry_id"] or 0, f["tier"] or "", f["size_class"] or "", scale)


def contribution(f: Mapping[str, Any]) -> dict[str, int]:
    """What one fact adds to its cell (nothing before the enterprise is registered)."""
    if f["version"] < 1:
        return dict.fromkeys(METRICS, 0)
    level = f["level"]
    return {
        "enterprises": 1,
        "assessed": int(level is not None),
        "level_2_plus": int(level is not None and level >= 2),
        "level_sum": level or 0,
        "transformed": int(f["stage_seq"] >= TRANSFORMED_FROM),
        "designated": int(f["designations"] > 0),
        "adopted": int(bool(f["adopted"])),
        "cloud": int(bool(f["cloud"])),
        "with_loans": int(f["loans"] > 0),
        "with_subsidies": int(f["subsidies"] > 0),
        "chain_members": int(bool(f["chain_member"])),
    }


def deltas(changes: Iterable[tuple[Fact | None, Fact]]) -> dict[CellKey, dict[str, int]]:
    """Per cell, what (before, after) pairs of facts change in it; cells that net to zero are left out."""
    out: dict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for before, after in changes:
        if before is not None:
            cell = out[cell_of(before)]
            for m, v in contribution(before).items():
                cell[m] -= v
        cell = out[cell_of(after)]
        for m, v in contribution(after).items():
            cell[m] += v
    return {k: v for k, v in out.items() if any(v.values())}


def cells_of(facts: Iterable[Mapping[str, Any]]) -> dict[CellKey, dict[str, int]]:
    """The cells counted from scratch (what a rebuild gives; the incremental path must equal it)."""
    out: dict[CellKey, dict[str, int]] = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for f in facts:
        for m, v in contribution(f).items():
            out[cell_of(f)][m] += v
    return {k: v for k, v in out.items() if v["enterprises"]}
