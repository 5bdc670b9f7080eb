"""Interest subsidy arithmetic on schedules computed by hand, in exact fen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from finance.interest.rules import Repayment, interest_subsidy

HALF = Decimal("0.5")


def monthly(year: int, months: range, interest_fen: int, ref: str = "m") -> list[Repayment]:
    out = []
    for m in months:
        end = date(year, m + 1, 1) if m < 12 else date(year + 1, 1, 1)
        out.append(
            Repayment(f"{ref}{m:02d}", date(year, m, 1), end.fromordinal(end.toordinal() - 1), end, 0, interest_fen)
        )
    return out


def test_half_of_each_month_interest() -> None:
    # 1,000,000 yuan at 3.6 %: 3,000 yuan a month = 300,000 fen, half of it 150,000 fen
    lines = interest_subsidy(
        monthly(2027, range(1, 4), 300_000), share=HALF, cap_fen_per_year=20_000_000, disbursed_on=date(2027, 1, 1)
    )
    assert [x.subsidy_fen for x in lines] == [150_000, 150_000, 150_000]
    assert all(x.note == "" for x in lines)


def test_the_cap_is_reached_mid_year_and_the_next_year_starts_afresh() -> None:
    # cap 400,000 fen a year: two full months (300,000), the third only 100,000 of 150,000, the fourth none
    schedule = monthly(2027, range(9, 13), 300_000) + monthly(2028, range(1, 2), 300_000, ref="n")
    lines = interest_subsidy(schedule, share=HALF, cap_fen_per_year=400_000, disbursed_on=date(2027, 9, 1))
    assert [(x.year, x.subsidy_fen) for x in lines] == [
        (2027, 150_000),
        (2027, 150_000),
        (2027, 100_000),
        (2027, 0),
        (2028, 150_000),
    ]
    assert lines[2].note == "the 2027 cap of 400000 fen is reached"


def test_a_partial_first_month_is_subsidised_for_the_days_after_disbursement() -> None:
    # disbursed on 16 January: the bank charges 1–31 January's schedule, 16 of 31 days were the loan's
    january = Repayment("r1", date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 1), 0, 310_001)
    (line,) = interest_subsidy([january], share=HALF, cap_fen_per_year=10**9, disbursed_on=date(2027, 1, 16))
    # 0.5 × 310,001 × 16 / 31 = 80,000.258… → 80,000 fen (rounded down once)
    assert (line.subsidised_days, line.subsidy_fen) == (16, 80_000)
    assert line.note == "before the disbursement on 2027-01-16: not subsidised"


def test_early_repayment_subsidises_the_interest_actually_paid() -> None:
    # repaid in full on 10 March: the last period is 1–10 March with 97,000 fen of interest, then nothing
    schedule = [
        *monthly(2027, range(1, 3), 300_000),
        Repayment("early", date(2027, 3, 1), date(2027, 3, 10), date(2027, 3, 10), 100_000_000, 97_001),
    ]
    lines = interest_subsidy(schedule, share=HALF, cap_fen_per_year=10**9, disbursed_on=date(2027, 1, 1))
    assert [x.subsidy_fen for x in lines] == [150_000, 150_000, 48_500]  # 48,500.5 → 48,500


def test_a_default_stops_the_subsidy_from_its_day() -> None:
    # default declared on 11 March: 1–10 March (10 of 31 days) is prorated, April gets nothing
    lines = interest_subsidy(
        monthly(2027, range(2, 5), 310_000),
        share=HALF,
        cap_fen_per_year=10**9,
        disbursed_on=date(2027, 1, 1),
        defaulted_on=date(2027, 3, 11),
    )
    assert [(x.subsidised_days, x.subsidy_fen) for x in lines] == [(28, 155_000), (10, 50_000), (0, 0)]
    assert lines[2].note == "from 2027-03-11 in default: not subsidised"


def test_a_period_across_new_year_counts_against_both_years() -> None:
    # 17 December – 16 January, 31 days, 310,000 fen: 15 days in 2027, 16 in 2028
    r = Repayment("x", date(2027, 12, 17), date(2028, 1, 16), date(2028, 1, 17), 0, 310_000)
    lines = interest_subsidy(
        [r], share=HALF, cap_fen_per_year=60_000, disbursed_on=date(2027, 1, 1), used_by_year={2027: 0, 2028: 0}
    )
    assert [(x.year, x.days, x.uncapped_fen, x.subsidy_fen) for x in lines] == [
        (2027, 15, 75_000, 60_000),
        (2028, 16, 80_000, 60_000),
    ]


def test_what_was_granted_before_counts_against_the_cap() -> None:
    lines = interest_subsidy(
        monthly(2027, range(5, 6), 300_000),
        share=HALF,
        cap_fen_per_year=200_000,
        disbursed_on=date(2027, 1, 1),
        used_by_year={2027: 120_000},
    )
    assert lines[0].subsidy_fen == 80_000


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    bad = Repayment("bad", date(2027, 2, 1), date(2027, 1, 1), date(2027, 2, 1), 0, 1)
    with pytest.raises(ValueError, match="ends before it starts"):
        interest_subsidy([bad], share=HALF, cap_fen_per_year=1, disbursed_on=date(2027, 1, 1))
