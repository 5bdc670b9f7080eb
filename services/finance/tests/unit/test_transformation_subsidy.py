"""The transformation subsidy's arithmetic and explanation, on hand-computed cases."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts.api.finance import Condition, Fact
from contracts.api.subsidies import Invoice
from finance.subsidies.rules import amount, broken_conditions, verified_investment

ON = date(2027, 3, 1)


def test_the_verified_investment_leaves_out_invoices_funded_before() -> None:
    invoices = [
        Invoice(number="A1", amount_fen=60_000_000, issued_on=ON),
        Invoice(number="A2", amount_fen=30_000_000, issued_on=ON),
    ]
    verified, lines = verified_investment(100_000_000, invoices, {"A2": "sb_earlier"})
    assert verified == 60_000_000
    assert [line.step for line in lines] == ["invoices", "invoice-reused", "verified"]
    assert "sb_earlier" in lines[1].zh and "sb_earlier" in lines[1].en


def test_the_investment_claimed_bounds_the_invoices() -> None:
    invoices = [Invoice(number="A1", amount_fen=90_000_000, issued_on=ON)]
    assert verified_investment(50_000_000, invoices, {})[0] == 50_000_000


def test_share_rounded_down_once_then_the_cap_less_what_was_granted() -> None:
    granted, lines = amount(Decimal("0.30"), 50_000_000, 0, 33_333_333)
    assert granted == 9_999_999  # 0.30 × 33,333,333 = 9,999,999.9 → 9,999,999 fen
    assert [line.step for line in lines] == ["share", "cap", "granted"]
    capped, _ = amount(Decimal("0.30"), 50_000_000, 45_000_000, 60_000_000)
    assert capped == 5_000_000  # 18,000,000 computed, 5,000,000 left under the cap
    assert amount(Decimal("0.30"), 50_000_000, 60_000_000, 1)[0] == 0


def test_a_new_measurement_below_the_bar_breaks_the_level_conditions() -> None:
    conditions = [
        Condition(id="t1-level-2", fact=Fact.T1_LEVEL, op="ge", value=2, label_zh="二级", label_en="level 2"),
        Condition(id="level-rose", fact=Fact.LEVEL_DELTA, op="gt", value=0, label_zh="提升", label_en="rose"),
        Condition(id="registered", fact=Fact.REGISTERED, op="is_true", label_zh="在册", label_en="registered"),
    ]
    assert broken_conditions(conditions, {Fact.T1_LEVEL: 2, Fact.LEVEL_DELTA: 1}) == []
    assert broken_conditions(conditions, {Fact.T1_LEVEL: 1, Fact.LEVEL_DELTA: 0}) == ["t1-level-2", "level-rose"]
