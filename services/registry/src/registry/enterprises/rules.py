"""Pure rules of the enterprise profile: derived facts and what changed between two versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from contracts import codes
from contracts.api.profile import TIER_RANK, QualityTier, SizeClass, TierRecognition

TEN_THOUSAND = Decimal(10_000)
# 工信部联企业〔2011〕300号, industry: each class needs both lower bounds (employees, revenue in yuan).
LARGE = (1000, 40_000 * TEN_THOUSAND)
MEDIUM = (300, 2_000 * TEN_THOUSAND)
SMALL = (20, 300 * TEN_THOUSAND)
ABOVE_SCALE_REVENUE = 2_000 * TEN_THOUSAND  # 规上工业企业: main-business revenue ≥ 20 million yuan

# Fields other services receive in events (contacts stay in the registry).
SNAPSHOT_FIELDS = (
    "name",
    "district_code",
    "industry_code",
    "industry_division",
    "key_industry_id",
    "sub_industry",
    "employees",
    "revenue_yuan",
    "revenue_year",
    "size_class",
    "above_scale",
    "current_tier",
    "cluster",
    "chain_platforms",
)


def to_fen(yuan: Decimal | None) -> int | None:
    """Yuan (two decimals) → fen, exactly."""
    return None if yuan is None else int((Decimal(yuan) * 100).to_integral_exact())


def to_yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


@dataclass
class EnterpriseFilter:
    """What a search or an export asks for; `districts` is the caller's scope (None: all units)."""

    districts: list[str] | None = None
    industry_division: str | None = None
    key_industry_id: int | None = None
    current_tier: str | None = None
    size_class: str | None = None
    above_scale: bool | None = None
    cluster: str | None = None
    name_contains: str | None = None
    journey_stage: str | None = None  # enterprises with a project in this stage


def size_class(employees: int | None, revenue_yuan: Decimal | None) -> SizeClass | None:
    """大型/中型/小型/微型 (工信部联企业〔2011〕300号, industry). 微型 is under 20 staff *or* under 3 million
    yuan, so one figure below its bound decides it; every other class needs both figures (None until then)."""
    if (employees is not None and employees < SMALL[0]) or (revenue_yuan is not None and revenue_yuan < SMALL[1]):
        return SizeClass.MICRO
    if employees is None or revenue_yuan is None:
        return None
    for bounds, cls in ((LARGE, SizeClass.LARGE), (MEDIUM, SizeClass.MEDIUM), (SMALL, SizeClass.SMALL)):
        if employees >= bounds[0] and revenue_yuan >= bounds[1]:
            return cls
    return SizeClass.MICRO


def above_scale(revenue_yuan: Decimal | None) -> bool | None:
    return None if revenue_yuan is None else revenue_yuan >= ABOVE_SCALE_REVENUE


def current_tier(tiers: Iterable[TierRecognition], on: date) -> QualityTier | None:
    """The highest tier recognised on or before `on` and not expired."""
    valid = [
        t.tier
        for t in tiers
        if (t.recognised_on is None or t.recognised_on <= on) and (t.valid_until is None or t.valid_until >= on)
    ]
    return max(valid, key=lambda t: TIER_RANK[t]) if valid else None


@lru_cache(maxsize=4096)
def industry_facts(industry_code: str) -> tuple[str, int | None, str | None]:
    """(division, pilot key industry id, pilot sub-industry code) of a GB/T 4754 manufacturing code."""
    division = codes.industry_division_of(industry_code)
    if division is None:
        raise ValueError(f"not a manufacturing code: {industry_code}")
    ki = codes.key_industry_of(division)
    sub = codes.sub_industry_of(industry_code)
    return division, ki.id if ki else None, sub.code if sub else None


def derive(values: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The derived columns for a profile: division, key industry, sub-industry, size, 规上, tier."""
    division, key_industry, sub_industry = industry_facts(values["industry_code"])
    given = values.get("tiers")
    tiers = [t if isinstance(t, TierRecognition) else TierRecognition.model_validate(t) for t in given or []]
    revenue = values.get("revenue_yuan")
    return {
        "industry_division": division,
        "key_industry_id": key_industry,
        "sub_industry": sub_industry,
        "size_class": size_class(values.get("employees"), revenue),
        "above_scale": above_scale(revenue),
        "current_tier": current_tier(tiers, today) if tiers else None,
    }


def _comparable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):  # the common case first (bulk imports)
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if hasattr(value, "model_dump"):
        return _comparable(value.model_dump(mode="json"))
    if isinstance(value, date):
        return value.isoformat()
    return value


_PLAIN = frozenset({str, int, float, bool})


def first_changes(new: Mapping[str, Any], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What a registration sets: `changes({}, new, fields)`, without comparing with nothing. (Once per
    registered enterprise on the bulk paths: plain values are settled without a call.)"""
    return {
        f: {"before": None, "after": value if type(value) in _PLAIN else _comparable(value)}
        for f in fields
        if (value := new.get(f)) is not None
    }


def changes(old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{field: {"before": …, "after": …}} for every field whose value differs. (Once per changed enterprise:
    plain values, most of a profile, are compared without a call.)"""
    out = {}
    for f in fields:
        a, b = old.get(f), new.get(f)
        before = a if a is None or type(a) in _PLAIN else _comparable(a)
        after = b if b is None or type(b) in _PLAIN else _comparable(b)
        if before != after:
            out[f] = {"before": before, "after": after}
    return out
