"""The interest subsidy (贴息), computed from the repayments a bank reports. Pure: no I/O.

Rules, each stated once and tested (services/finance/tests/unit/test_interest_subsidy.py):
- a repayment covers a period of days, first and last day included, and the interest paid for it;
- only days from the disbursement up to the day before a default are subsidised: a period that straddles
  the default is prorated by days, later ones get nothing;
- a period that spans two calendar years is split by days, each part counted against its own year's cap;
- each part: share × interest × its days / the period's days, rounded down to the fen once (in the
  state's favour), then cut to what is left of that year's cap per enterprise;
- repayments are taken in order of their periods, so the cap is reached by the earliest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal


@dataclass(frozen=True)
class Repayment:
    ref: str  # the bank's reference: one repayment, whatever how often it is reported
    period_start: date
    period_end: date  # inclusive
    paid_on: date
    principal_fen: int
    interest_fen: int

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


@dataclass(frozen=True)
class SubsidyLine:
    ref: str
    year: int
    days: int  # days of the period in this part
    subsidised_days: int
    interest_fen: int  # the part of the interest these days bore (rounded down; shown, not summed)
    uncapped_fen: int  # share × interest of the subsidised days
    subsidy_fen: int  # after the year's cap
    note: str


def _year_parts(start: date, end: date) -> list[tuple[int, date, date]]:
    parts = []
    while start <= end:
        last = min(end, date(start.year, 12, 31))
        parts.append((start.year, start, last))
        start = last + timedelta(days=1)
    return parts


def _overlap(start: date, end: date, first: date, stop: date | None) -> int:
    """Days of [start, end] from `first` up to the day before `stop`."""
    lo = max(start, first)
    hi = end if stop is None else min(end, stop - timedelta(days=1))
    return max(0, (hi - lo).days + 1)


def _fen(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_DOWN))


def interest_subsidy(
    repayments: Iterable[Repayment],
    *,
    share: Decimal,
    cap_fen_per_year: int,
    disbursed_on: date,
    defaulted_on: date | None = None,
    used_by_year: Mapping[int, int] | None = None,
) -> list[SubsidyLine]:
    """One line per repayment and calendar year its period touches; `used_by_year` is what the enterprise
    was already granted in each year (under any loan of the scheme)."""
    used = dict(used_by_year or {})
    lines: list[SubsidyLine] = []
    for r in sorted(repayments, key=lambda x: (x.period_start, x.ref)):
        if r.days <= 0:
            raise ValueError(f"repayment {r.ref}: the period ends before it starts")
        for year, start, end in _year_parts(r.period_start, r.period_end):
            days = (end - start).days + 1
            counted = _overlap(start, end, disbursed_on, defaulted_on)
            uncapped = _fen(share * r.interest_fen * counted / r.days)
            left = max(0, cap_fen_per_year - used.get(year, 0))
            granted = min(uncapped, left)
            used[year] = used.get(year, 0) + granted
            if counted < days and defaulted_on is not None and end >= defaulted_on:
                note = f"from {defaulted_on} in default: not subsidised"
            elif counted < days:
                note = f"before the disbursement on {disbursed_on}: not subsidised"
            elif granted < uncapped:
                note = f"the {year} cap of {cap_fen_per_year} fen is reached"
            else:
                note = ""
            lines.append(
                SubsidyLine(
                    ref=r.ref,
                    year=year,
                    days=days,
                    subsidised_days=counted,
                    interest_fen=_fen(Decimal(r.interest_fen) * days / r.days),
                    uncapped_fen=uncapped,
                    subsidy_fen=granted,
                    note=note,
                )
            )
    return lines
