"""The listing workflow and a solution's flattened content (pure).

submitted → (city approves) listed | (city rejects, with reasons) rejected; a listed solution's edit is a
new pending revision while the listed one stays visible; listed → suspended (city, reason) → appeal
(provider) → reinstated or upheld (city); any but delisted → delisted (city, or the provider withdrawing).
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from catalog.search.rules import normalise
from contracts.api.catalog import SolutionContent, SolutionStatus

S = SolutionStatus


def price_after_discount(price_fen: int, discount_pct: Decimal) -> int:
    """The list price less the programme discount, rounded down to the fen."""
    return int((Decimal(price_fen) * (100 - discount_pct) / 100).to_integral_value(ROUND_FLOOR))


def flattened(content: SolutionContent) -> dict[str, Any]:
    """The columns search and matching read, from a revision's content."""
    return {
        "name": content.name,
        "category": content.category,
        "delivery": [d.value for d in content.delivery],
        "scenes": {s.scene: s.to_level for s in content.scenes},
        "items": list(content.items),
        "industries": list(content.industries),
        "lowest_price_fen": min(t.price_fen for t in content.price_tiers),
        "discount_pct": content.discount_pct,
        "discount_centi": int(content.discount_pct * 100),
        "price_after_discount_fen": price_after_discount(
            min(t.price_fen for t in content.price_tiers), content.discount_pct
        ),
        "deploy_days": content.deploy_days,
        "search_text": normalise(f"{content.name}\n{content.description}"),
    }


def edit_problem(status: S) -> str | None:
    return "a delisted solution cannot be edited" if status is S.DELISTED else None


def status_after_review(status: S, approved: bool) -> S:
    """A first version approved is listed; rejected, it is rejected. A listed (or suspended) solution keeps
    its status either way: an approval only changes what its listing shows."""
    if status in (S.SUBMITTED, S.REJECTED):
        return S.LISTED if approved else S.REJECTED
    return status


def suspension_problem(status: S) -> str | None:
    return None if status is S.LISTED else f"only a listed solution can be suspended (it is {status.value})"


def appeal_problem(status: S, appealed: bool) -> str | None:
    if status is not S.SUSPENDED:
        return f"only a suspended solution can be appealed (it is {status.value})"
    return "this suspension was appealed already" if appealed else None


def appeal_decision_problem(status: S, appealed: bool) -> str | None:
    if status is not S.SUSPENDED or not appealed:
        return "there is no appeal to decide"
    return None


def delisting_problem(status: S) -> str | None:
    return "the solution is delisted already" if status is S.DELISTED else None
