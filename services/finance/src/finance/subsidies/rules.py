"""The transformation subsidy (奖补): what investment counts, how much is granted, when it is withheld.
Pure: no I/O. Every step is said in Chinese and English, with its amount, for the decision's explanation.

- verified investment: the invoices not funded before (by any subsidy), up to the investment claimed;
- amount: share × verified investment, rounded down to the fen once, then cut to what is left of the
  cap per enterprise after what it was granted before under the same product;
- withheld: an unpaid subsidy whose level conditions no longer hold after a new T0→T1 measurement, or whose
  designation conditions no longer hold after a designation was revoked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from contracts.api.finance import Condition, Fact
from contracts.api.subsidies import ExplanationLine, Invoice
from finance.eligibility.rules import holds

DESIGNATION_FACTS = (Fact.LIGHTHOUSE, Fact.BENCHMARK)


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def verified_investment(
    claimed_fen: int, invoices: Sequence[Invoice], funded_before: Mapping[str, str]
) -> tuple[int, list[ExplanationLine]]:
    """(verified fen, explanation); `funded_before` maps an invoice number to the funding that used it."""
    fresh = sum(i.amount_fen for i in invoices if i.number not in funded_before)
    reused = [i for i in invoices if i.number in funded_before]
    lines = [
        ExplanationLine(
            step="invoices",
            zh=f"发票 {len(invoices)} 张，合计 {yuan(sum(i.amount_fen for i in invoices))} 元",
            en=f"{len(invoices)} invoice(s), {yuan(sum(i.amount_fen for i in invoices))} yuan in all",
            amount_fen=sum(i.amount_fen for i in invoices),
        )
    ]
    for i in reused:
        lines.append(
            ExplanationLine(
                step="invoice-reused",
                zh=f"发票 {i.number}（{yuan(i.amount_fen)} 元）已用于 {funded_before[i.number]}，不计入",
                en=f"invoice {i.number} ({yuan(i.amount_fen)} yuan) funded {funded_before[i.number]}: not counted",
                amount_fen=-i.amount_fen,
            )
        )
    verified = min(claimed_fen, fresh)
    lines.append(
        ExplanationLine(
            step="verified",
            zh=f"核定投资 {yuan(verified)} 元（申报 {yuan(claimed_fen)} 元，以未被资助的发票为限）",
            en=f"verified investment {yuan(verified)} yuan (claimed {yuan(claimed_fen)}; up to unfunded invoices)",
            amount_fen=verified,
        )
    )
    return verified, lines


def amount(
    share: Decimal, cap_fen: int, granted_before_fen: int, verified_fen: int
) -> tuple[int, list[ExplanationLine]]:
    """(granted fen, explanation)."""
    raw = int((share * verified_fen).to_integral_value(rounding=ROUND_DOWN))
    left = max(0, cap_fen - granted_before_fen)
    granted = min(raw, left)
    return granted, [
        ExplanationLine(
            step="share",
            zh=f"{share:%} × {yuan(verified_fen)} 元 = {yuan(raw)} 元（分以下舍去）",
            en=f"{share:%} of {yuan(verified_fen)} yuan = {yuan(raw)} yuan (rounded down to the fen)",
            amount_fen=raw,
        ),
        ExplanationLine(
            step="cap",
            zh=f"每家企业上限 {yuan(cap_fen)} 元，此前已获 {yuan(granted_before_fen)} 元，尚余 {yuan(left)} 元",
            en=f"cap {yuan(cap_fen)} yuan per enterprise, {yuan(granted_before_fen)} granted before, {yuan(left)} left",
            amount_fen=left,
        ),
        ExplanationLine(
            step="granted", zh=f"核定奖补 {yuan(granted)} 元", en=f"granted {yuan(granted)} yuan", amount_fen=granted
        ),
    ]


def broken_conditions(conditions: Sequence[Condition], facts: Mapping[Fact, Any]) -> list[str]:
    """The ids of the product's conditions on `facts` (a new measurement's levels, the designations held now)
    that those facts no longer meet."""
    return [c.id for c in conditions if c.fact in facts and not holds(c, facts[c.fact])]
