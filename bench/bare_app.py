"""Baselines for bench/finance_eligibility.py and bench/catalog_matching.py: bare FastAPI endpoints answering
JSON of the same shape and size as their answers, with no token, database or logging, served the same way."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()
REASON = {"passed": True, "reason_zh": "满足：某条件（现为：是）", "reason_en": "met: a condition (now: yes)"}
RULES = [{"id": f"rule-{i}", **REASON} for i in range(4)]


@app.get("/v1/eligibility/{uscc}")
async def eligibility(uscc: str, product: str) -> dict[str, Any]:
    return {
        "query_id": "eq_0000000000000000",
        "uscc": uscc,
        "product_id": product,
        "product_version": 1,
        "eligible": True,
        "rules": RULES,
        "suggested_limit_fen": 500_000_000,
        "subsidy_cap_fen": None,
        "subsidy_headroom_fen": None,
        "asked_at": "2026-12-01T00:00:00Z",
    }


MATCH_REASON = {
    "kind": "scene",
    "points": "30.0",
    "zh": "针对薄弱场景「设备管理」（现为1级），可提升至3级",
    "en": "addresses the weak scene equipment (now level 1), lifting it to level 3",
}


@app.get("/v1/enterprises/{uscc}/matches")
async def matches(uscc: str) -> dict[str, Any]:
    """The baseline for bench/catalog_matching.py: ten matches of the same shape, nothing computed."""
    match = {
        "solution_id": "so_0000000000000000",
        "provider_id": "pv_0000",
        "name": "方案",
        "category": "iiot",
        "score": "60.0",
        "addresses": ["equipment"],
        "price_after_discount_fen": 1_600_000,
        "reasons": [MATCH_REASON] * 4,
    }
    return {
        "uscc": uscc,
        "method_version": 1,
        "based_on": "assessment",
        "assessment_id": "as_0",
        "weak_scenes": ["equipment", "energy", "quality"],
        "weak_items": ["2.3.1"],
        "budget_fen": None,
        "matches": [{"rank": n, **match} for n in range(1, 11)],
    }
