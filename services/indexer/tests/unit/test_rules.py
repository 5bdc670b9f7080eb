from typing import Any

from indexer.facts.rules import new_fact
from indexer.stats.rules import district_stats, industry_stats, registered_moves


def registered(uscc: str, district: str, division: str, version: int = 1) -> dict[str, Any]:
    return new_fact(uscc, district) | {"industry_division": division, "version": version}


def test_new_registrations_count_once_per_unit_and_division() -> None:
    rows = registered_moves(
        [
            (None, registered("a", "500103", "C34")),
            (None, registered("b", "500103", "C36")),
            (None, registered("c", "CQ-LJXQ", "C34")),
            (None, registered("d", "500104", "C34", version=0)),  # known from another service only: not counted
        ]
    )
    assert rows == [
        {"dimension": "district", "code": "500103", "enterprises": 2},
        {"dimension": "district", "code": "CQ-LJXQ", "enterprises": 1},
        {"dimension": "division", "code": "C34", "enterprises": 2},
        {"dimension": "division", "code": "C36", "enterprises": 1},
    ]


def test_a_move_takes_the_count_along_and_an_unchanged_fact_moves_nothing() -> None:
    before = registered("a", "500103", "C34")
    moved = registered("a", "CQ-GXQ", "C34", version=2)
    assert registered_moves([(before, moved), (moved, dict(moved))]) == [
        {"dimension": "district", "code": "500103", "enterprises": -1},
        {"dimension": "district", "code": "CQ-GXQ", "enterprises": 1},
    ]
    late = registered("e", "500103", "C39", version=0)  # a fact made by an assessment, then the registration
    assert registered_moves([(late, late | {"version": 1})]) == [
        {"dimension": "district", "code": "500103", "enterprises": 1},
        {"dimension": "division", "code": "C39", "enterprises": 1},
    ]


def test_no_changes_no_increments() -> None:
    assert registered_moves([]) == []


def test_district_stats_list_all_41_units_with_zeros() -> None:
    stats = district_stats({"500103": 5, "CQ-GXQ": 2})
    assert len(stats.districts) == 41
    assert stats.total == 7
    by_code = {d.district_code: d.enterprises for d in stats.districts}
    assert by_code["500103"] == 5 and by_code["CQ-GXQ"] == 2 and by_code["500101"] == 0
    assert stats.districts[0].district_code == "500101"


def test_industry_stats_list_every_division() -> None:
    stats = industry_stats({"C34": 3})
    assert len(stats.industries) == 31 and stats.total == 3
