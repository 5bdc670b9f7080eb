from datetime import date
from decimal import Decimal

import pytest

from contracts.api.profile import QualityTier, SizeClass, TierRecognition
from registry.enterprises.rules import above_scale, changes, current_tier, derive, first_changes, size_class

WAN = Decimal(10_000)


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (1000, 40_000 * WAN, SizeClass.LARGE),
        (999, 40_000 * WAN, SizeClass.MEDIUM),  # large needs both lower bounds
        (1000, 39_999 * WAN, SizeClass.MEDIUM),
        (300, 2_000 * WAN, SizeClass.MEDIUM),
        (299, 2_000 * WAN, SizeClass.SMALL),
        (300, Decimal("19999999.99"), SizeClass.SMALL),
        (20, 300 * WAN, SizeClass.SMALL),
        (19, 300 * WAN, SizeClass.MICRO),
        (5000, Decimal("2999999.99"), SizeClass.MICRO),  # micro when either figure is below small
        (0, Decimal(0), SizeClass.MICRO),
    ],
)
def test_size_class_boundaries(employees: int, revenue: Decimal, expected: SizeClass) -> None:
    assert size_class(employees, revenue) == expected


def test_size_class_unknown_while_one_figure_is_missing_and_the_other_not_micro() -> None:
    assert size_class(None, 300 * WAN) is None
    assert size_class(50, None) is None
    assert size_class(None, None) is None


def test_fewer_than_20_staff_is_micro_without_the_revenue() -> None:
    assert size_class(19, None) == SizeClass.MICRO
    assert size_class(20, None) is None


def test_under_3_million_yuan_is_micro_without_the_staff_count() -> None:
    assert size_class(None, Decimal("2999999.99")) == SizeClass.MICRO
    assert size_class(None, 300 * WAN) is None


def test_above_scale_threshold_is_20_million_inclusive() -> None:
    assert above_scale(Decimal("20000000")) is True
    assert above_scale(Decimal("19999999.99")) is False
    assert above_scale(None) is None


def tier(t: QualityTier, start: str, end: str | None = None) -> TierRecognition:
    return TierRecognition(
        tier=t,
        issuing_body="x",
        recognised_on=date.fromisoformat(start),
        valid_until=date.fromisoformat(end) if end else None,
    )


def test_current_tier_is_the_highest_valid_one() -> None:
    tiers = [
        tier(QualityTier.INNOVATIVE, "2022-01-01"),
        tier(QualityTier.SPECIALISED, "2023-01-01", "2025-12-31"),
        tier(QualityTier.LITTLE_GIANT, "2027-01-01"),
    ]
    assert current_tier(tiers, date(2024, 6, 1)) == QualityTier.SPECIALISED
    assert current_tier(tiers, date(2025, 12, 31)) == QualityTier.SPECIALISED  # last valid day
    assert current_tier(tiers, date(2026, 1, 1)) == QualityTier.INNOVATIVE  # expired
    assert current_tier(tiers, date(2027, 1, 1)) == QualityTier.LITTLE_GIANT
    assert current_tier([], date(2026, 1, 1)) is None


def test_validity_before_recognition_is_refused() -> None:
    with pytest.raises(ValueError, match="before recognised_on"):
        tier(QualityTier.INNOVATIVE, "2024-01-01", "2023-01-01")


def test_derive_key_industry_and_sub_industry() -> None:
    d = derive({"industry_code": "C3670", "employees": 120, "revenue_yuan": 5_000 * WAN}, date(2026, 1, 1))
    assert d == {
        "industry_division": "C36",
        "key_industry_id": 3,
        "sub_industry": "SUB-C367",
        "size_class": SizeClass.SMALL,
        "above_scale": True,
        "current_tier": None,
    }
    assert derive({"industry_code": "C16"}, date(2026, 1, 1))["key_industry_id"] is None


def test_changes_compare_decimals_by_value_and_lists_deeply() -> None:
    old = {"revenue_yuan": Decimal("100.0"), "chain_platforms": ["a"], "name": "x"}
    new = {"revenue_yuan": Decimal("100"), "chain_platforms": ["a", "b"], "name": "x"}
    assert changes(old, new, ["revenue_yuan", "chain_platforms", "name"]) == {
        "chain_platforms": {"before": ["a"], "after": ["a", "b"]}
    }


def test_a_registrations_history_is_what_a_comparison_with_nothing_gives() -> None:
    """first_changes (the bulk paths' shortcut) says exactly what changes({}, new) says, for every kind of value."""
    new = {
        "uscc": "91350100M000100Y43",
        "name": "某企业",
        "employees": 0,
        "above_scale": False,
        "revenue_yuan": Decimal("1200.50"),
        "cluster": None,
        "chain_platforms": [],
        "contacts": [{"name": "张三", "phone": "13800000000"}],
        "tiers": [
            TierRecognition(tier=QualityTier.SPECIALISED, issuing_body="工业和信息化部", recognised_on=date(2025, 3, 1))
        ],
        "registered_on": date(2026, 12, 1),
    }
    fields = [*new, "absent"]
    assert first_changes(new, fields) == changes({}, new, fields)
    assert first_changes(new, fields)["chain_platforms"] == {"before": None, "after": []}
    assert "cluster" not in first_changes(new, fields) and "absent" not in first_changes(new, fields)


def test_changes_compare_values_as_stored() -> None:
    """Plain values compared as they are; decimals, dates, lists and models by their JSON form."""
    old = {
        "name": "甲",
        "employees": 10,
        "revenue_yuan": Decimal("1200.50"),
        "chain_platforms": ["p1"],
        "cluster": None,
    }
    same = {**old, "revenue_yuan": Decimal("1200.500"), "chain_platforms": ["p1"]}
    assert changes(old, same, old) == {}
    new = {**old, "employees": 11, "revenue_yuan": Decimal("99"), "cluster": "c", "chain_platforms": []}
    assert changes(old, new, old) == {
        "employees": {"before": 10, "after": 11},
        "revenue_yuan": {"before": "1200.5", "after": "99"},
        "cluster": {"before": None, "after": "c"},
        "chain_platforms": {"before": ["p1"], "after": []},
    }
