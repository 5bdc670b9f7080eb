from indexer.stats.rules import count_increments, district_stats, industry_stats


def test_increments_group_by_dimension_and_code() -> None:
    rows = count_increments([("500103", "C34"), ("500103", "C36"), ("CQ-LJXQ", "C34")])
    assert rows == [
        {"dimension": "district", "code": "500103", "enterprises": 2},
        {"dimension": "district", "code": "CQ-LJXQ", "enterprises": 1},
        {"dimension": "division", "code": "C34", "enterprises": 2},
        {"dimension": "division", "code": "C36", "enterprises": 1},
    ]


def test_no_events_no_increments() -> None:
    assert count_increments([]) == []


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
